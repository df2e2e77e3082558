package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LineFormatTest {
    private static final long T = Instant.parse("2026-11-21T10:15:02.123Z").toEpochMilli();

    @Test
    void formatsUtcTimestampPaddedLevelPaddedComponentAndMessage() {
        assertEquals("2026-11-21T10:15:02.123Z INFO  mqtt   connected to 10.0.0.5:1883 (session present: no)",
                LineFormat.line(T, Level.INFO, "mqtt", "connected to 10.0.0.5:1883 (session present: no)"));
    }

    @Test
    void keepsMillisecondsWhenTheyAreZero() {
        long whole = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();
        assertEquals("2026-01-02T03:04:05.000Z WARN  queue  x", LineFormat.line(whole, Level.WARN, "queue", "x"));
    }

    @Test
    void everyLevelAndComponentLengthGivesTheSameThirtyEightColumnHeader() {
        for (Level level : Level.values()) {
            for (String component : new String[] {"a", "tls", "sensor"}) {
                String line = LineFormat.line(T, level, component, "m");
                assertEquals(39, line.length(), line);
                assertEquals(level.name(), line.substring(25, 30).trim());
                assertEquals(component, line.substring(31, 37).trim());
            }
        }
    }

    @Test
    void replacesEachNonAsciiOrControlCodePointWithOneQuestionMark() {
        assertEquals("temp 21.5?C?ok?[2J x?y del?",
                message("temp 21.5\u00b0C\tok\u001b[2J x\ud83d\ude00y del\u007f"));
    }

    @Test
    void lineBreaksInAMessageNeverStartASecondLine() {
        String line = LineFormat.line(T, Level.ERROR, "agent", "first\nsecond\r\nthird\u2028fourth");
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertTrue(line.endsWith("first?second??third?fourth"), line);
    }

    @Test
    void everyCharacterOfAFormattedLineIsPrintableAscii() {
        StringBuilder everything = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            everything.append(c);
        }
        String line = LineFormat.line(T, Level.INFO, "sensor", everything.toString());
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), line);
    }

    @Test
    void cutsAMessageLongerThanTheLimitAndMarksTheCut() {
        String message = message("x".repeat(LineFormat.MAX_MESSAGE + 50));
        assertEquals("x".repeat(LineFormat.MAX_MESSAGE) + "...", message);
        assertEquals("x".repeat(LineFormat.MAX_MESSAGE), message("x".repeat(LineFormat.MAX_MESSAGE)));
    }

    @Test
    void masksUrlPasswordsInAnyMessage() {
        assertEquals("connecting to tcp://garage:***@10.0.0.5:1883",
                message("connecting to tcp://garage:hunter2@10.0.0.5:1883"));
    }

    private static String message(String message) {
        return LineFormat.line(T, Level.INFO, "mqtt", message).substring(38);
    }
}
