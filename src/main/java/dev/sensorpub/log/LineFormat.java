package dev.sensorpub.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one line format, 38 columns of header then the message:
 * <pre>2026-11-21T10:15:02.123Z INFO  mqtt   connected to 10.0.0.5:1883 (session present: no)</pre>
 * UTC timestamp with milliseconds, level padded to 5, component padded to 6.
 * <p>
 * The message is made safe for a serial console and a journal: URL passwords are masked
 * ({@link Redact#passwords}), every code point outside printable ASCII (0x20-0x7E) becomes one
 * {@code ?} (so a line break, tab, escape sequence or UTF-8 text can never start a second line
 * or move a terminal's cursor), and a message longer than {@link #MAX_MESSAGE} characters is cut
 * and ends in {@code ...} so one event cannot hold a 115200-baud line for long.
 */
final class LineFormat {
    static final int MAX_MESSAGE = 400;
    static final char REPLACEMENT = '?';

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LineFormat() {
    }

    static String line(long epochMillis, Level level, String component, String message) {
        StringBuilder line = new StringBuilder(40 + Math.min(message.length(), MAX_MESSAGE + 3));
        TIMESTAMP.formatTo(Instant.ofEpochMilli(epochMillis), line);
        line.append(' ');
        padded(line, level.name(), 5);
        line.append(' ');
        padded(line, component, 6);
        line.append(' ');
        appendAscii(line, Redact.passwords(message));
        return line.toString();
    }

    /** Appends text with every code point outside printable ASCII replaced, cut at MAX_MESSAGE. */
    static void appendAscii(StringBuilder line, String text) {
        int written = 0;
        for (int i = 0; i < text.length(); written++) {
            if (written == MAX_MESSAGE) {
                line.append("...");
                return;
            }
            int codePoint = text.codePointAt(i);
            line.append(codePoint >= 0x20 && codePoint <= 0x7E ? (char) codePoint : REPLACEMENT);
            i += Character.charCount(codePoint);
        }
    }

    private static void padded(StringBuilder line, String text, int width) {
        line.append(text);
        for (int i = text.length(); i < width; i++) {
            line.append(' ');
        }
    }
}
