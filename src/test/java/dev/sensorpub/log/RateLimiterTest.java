package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = -5 * S;   // the monotonic clock may be negative

    @Test
    void allowsTheFirstEventThenOnePerInterval() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofSeconds(10));
        assertTrue(limiter.tryAcquire(0, T0));
        assertFalse(limiter.tryAcquire(0, T0 + 1));
        assertFalse(limiter.tryAcquire(0, T0 + 10 * S - 1));
        assertTrue(limiter.tryAcquire(0, T0 + 10 * S));
        assertFalse(limiter.tryAcquire(0, T0 + 19 * S));
        assertTrue(limiter.tryAcquire(0, T0 + 20 * S));
    }

    @Test
    void countsTheEventsRefusedBetweenTwoAllowedOnes() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofSeconds(10));
        limiter.tryAcquire(0, T0);
        assertEquals(0, limiter.refusedBefore(0));
        for (int i = 1; i <= 57; i++) {
            assertFalse(limiter.tryAcquire(0, T0 + i * 100_000_000L));
        }
        assertEquals(57, limiter.refusedSince(0));
        assertTrue(limiter.tryAcquire(0, T0 + 10 * S));
        assertEquals(57, limiter.refusedBefore(0));
        assertEquals(0, limiter.refusedSince(0));
    }

    @Test
    void keysAreLimitedIndependently() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofSeconds(10));
        assertTrue(limiter.tryAcquire(0, T0));
        assertTrue(limiter.tryAcquire(2, T0 + S));
        assertFalse(limiter.tryAcquire(0, T0 + 2 * S));
        assertTrue(limiter.tryAcquire(1, T0 + 2 * S));
    }

    @Test
    void rejectsNoKeysAndNegativeIntervals() {
        assertEquals("rate limiter needs at least one key, was 0",
                assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, Duration.ofSeconds(1)))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, Duration.ofSeconds(-1)));
    }

    @Test
    void checkingAllocatesNothing() {
        RateLimiter limiter = new RateLimiter(4, Duration.ofSeconds(10));
        long now = T0;
        for (int warmUp = 0; warmUp < 10; warmUp++) {
            reportsPer100Seconds(limiter, now);
            now += 100 * S;
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes();
        long before = threads.getCurrentThreadAllocatedBytes();
        int reports = reportsPer100Seconds(limiter, now);
        long after = threads.getCurrentThreadAllocatedBytes();
        assertEquals(0, after - before);
        assertEquals(40, reports);   // 4 keys, one report per key per 10 s
    }

    /** 100 s of events, one per millisecond, round-robin over 4 keys; returns how many were allowed. */
    private static int reportsPer100Seconds(RateLimiter limiter, long start) {
        int allowed = 0;
        for (int i = 0; i < 100_000; i++) {
            if (limiter.tryAcquire(i & 3, start + i * 1_000_000L)) {
                allowed++;
            }
        }
        return allowed;
    }
}
