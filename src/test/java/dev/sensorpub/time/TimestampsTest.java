package dev.sensorpub.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static String write(long millis) {
        byte[] b = new byte[Timestamps.LENGTH];
        Timestamps.write(millis, b, 0);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void knownInstants() {
        assertEquals("1970-01-01T00:00:00.000Z", write(0));
        assertEquals("2026-11-21T10:15:02.123Z", write(1_795_256_102_123L));
        assertEquals("2000-02-29T23:59:59.999Z", write(951_868_799_999L));
        assertEquals("2100-03-01T00:00:00.000Z", write(4_107_542_400_000L));
    }

    @Test
    void agreesWithJavaTimeOverFourHundredYears() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long millis = random.nextLong(0, 400L * 366 * 86_400_000L);
            assertEquals(ISO.format(Instant.ofEpochMilli(millis)), write(millis), "millis " + millis);
        }
    }

    @Test
    void outOfRangeTimesAreClamped() {
        assertEquals("1970-01-01T00:00:00.000Z", write(-5));
        assertEquals("9999-12-31T23:59:59.999Z", write(Long.MAX_VALUE));
    }
}
