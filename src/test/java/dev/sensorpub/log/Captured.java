package dev.sensorpub.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a sink wrote to its stdout stream, as bytes and as lines. */
final class Captured extends ByteArrayOutputStream {
    String text() {
        return toString(StandardCharsets.ISO_8859_1);
    }

    List<String> lines() {
        String text = text();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("output does not end with a complete line: " + text);
        }
        return text.isEmpty() ? List.of() : List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    /** The message part of each line: everything after the 38-column header. */
    List<String> messages() {
        return lines().stream().map(line -> line.substring(38)).toList();
    }
}
