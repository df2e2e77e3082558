package dev.sensorpub.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    @Test
    void advancingMovesBothClocksTogether() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        long mono = clock.monotonicMillis();
        clock.advance(Duration.ofSeconds(3));
        assertEquals(mono + 3_000, clock.monotonicMillis());
        assertEquals(Instant.parse("2026-01-01T00:00:03Z").toEpochMilli(), clock.epochMillis());
    }

    @Test
    void aWallStepLeavesTheMonotonicClockAlone() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        long mono = clock.monotonicNanos();
        clock.stepWall(Duration.ofDays(-30));
        assertEquals(mono, clock.monotonicNanos());
        assertEquals(Instant.parse("2025-12-02T00:00:00Z").toEpochMilli(), clock.epochMillis());
    }

    @Test
    void timeDoesNotRunBackwards() {
        assertThrows(IllegalArgumentException.class, () -> new ManualClock().advance(Duration.ofMillis(-1)));
    }

    @Test
    void theSystemClockIsMonotonic() {
        long a = Clock.SYSTEM.monotonicNanos();
        long b = Clock.SYSTEM.monotonicNanos();
        assertEquals(true, b >= a);
    }
}
