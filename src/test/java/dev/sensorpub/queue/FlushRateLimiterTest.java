package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlushRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void zeroMeansUnlimited() {
        FlushRateLimiter limiter = new FlushRateLimiter(0);
        assertTrue(limiter.unlimited());
        for (int i = 0; i < 1_000_000; i++) {
            assertTrue(limiter.tryAcquire(42));
        }
        assertEquals(0, limiter.nanosUntilAvailable(42));
    }

    @Test
    void letsThroughTheConfiguredRateOverTime() {
        FlushRateLimiter limiter = new FlushRateLimiter(100, 1);
        long start = -5 * SECOND; // nanoTime values may be negative
        int passed = 0;
        for (long now = start; now < start + 10 * SECOND; now += SECOND / 1000) {
            while (limiter.tryAcquire(now)) {
                passed++;
            }
        }
        assertEquals(1000, passed);
    }

    @Test
    void allowsABurstAfterIdleThenPaces() {
        FlushRateLimiter limiter = new FlushRateLimiter(10, 3);
        assertTrue(limiter.tryAcquire(0));
        assertTrue(limiter.tryAcquire(0));
        assertTrue(limiter.tryAcquire(0));
        assertFalse(limiter.tryAcquire(0));
        assertEquals(SECOND / 10, limiter.nanosUntilAvailable(0));
        assertFalse(limiter.tryAcquire(SECOND / 10 - 1));
        assertTrue(limiter.tryAcquire(SECOND / 10));
        assertFalse(limiter.tryAcquire(SECOND / 10));
        assertTrue(limiter.tryAcquire(10 * SECOND)); // long idle: budget refilled, not accumulated beyond the burst
        assertTrue(limiter.tryAcquire(10 * SECOND));
        assertTrue(limiter.tryAcquire(10 * SECOND));
        assertFalse(limiter.tryAcquire(10 * SECOND));
    }

    @Test
    void rejectsNegativeRates() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new FlushRateLimiter(-1));
        assertTrue(error.getMessage().contains("-1"));
    }
}
