package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durationsInMsSecondsMinutesHours() {
        assertEquals(500, Units.parseDurationMillis("500ms"));
        assertEquals(10_000, Units.parseDurationMillis("10s"));
        assertEquals(300_000, Units.parseDurationMillis("5m"));
        assertEquals(3_600_000, Units.parseDurationMillis("1h"));
        assertEquals(10, Units.parseDurationMillis(" 10 ms "));
        assertEquals(0, Units.parseDurationMillis("0"));
    }

    @Test
    void durationsNeedAKnownUnit() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis("10"))
                .getMessage().contains("has no unit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis("10sec"))
                .getMessage().contains("unknown unit 'sec'"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis(""));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDurationMillis("999999999999999h"));
    }

    @Test
    void sizesInBytesAndBinaryUnits() {
        assertEquals(1024, Units.parseSizeBytes("1024"));
        assertEquals(1024, Units.parseSizeBytes("1024 bytes"));
        assertEquals(1024, Units.parseSizeBytes("1024B"));
        assertEquals(512 * 1024, Units.parseSizeBytes("512KiB"));
        assertEquals(8L << 20, Units.parseSizeBytes("8MiB"));
        assertEquals(2L << 30, Units.parseSizeBytes("2GiB"));
    }

    @Test
    void decimalSizeUnitsAreRefusedWithTheBinaryAlternative() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.parseSizeBytes("8MB"))
                .getMessage().contains("KiB, MiB or GiB"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseSizeBytes("eight"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseSizeBytes("1TiB"));
    }
}
