package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumWithJitterBetweenHalfAndAllOfTheStep() {
        Backoff b = new Backoff(1_000, 8_000, 30_000, 42);
        long[] steps = {1_000, 2_000, 4_000, 8_000, 8_000, 8_000};
        for (long step : steps) {
            long delay = b.nextDelayMillis();
            assertTrue(delay >= step / 2 && delay <= step, "delay " + delay + " for step " + step);
        }
    }

    @Test
    void jitterSpreadsAFleetThatLostTheSameBroker() {
        long first = new Backoff(1_000, 60_000, 30_000, 1).nextDelayMillis();
        boolean anyDifferent = false;
        for (long seed = 2; seed < 20; seed++) {
            anyDifferent |= new Backoff(1_000, 60_000, 30_000, seed).nextDelayMillis() != first;
        }
        assertTrue(anyDifferent);
    }

    @Test
    void aPermanentRefusalWaitsTheLongestDelay() {
        Backoff b = new Backoff(1_000, 60_000, 30_000, 7);
        b.jumpToMax();
        long delay = b.nextDelayMillis();
        assertTrue(delay >= 30_000 && delay <= 60_000, "delay " + delay);
    }

    @Test
    void onlyAStableConnectionResetsTheSteps() {
        Backoff b = new Backoff(1_000, 60_000, 30_000, 7);
        b.nextDelayMillis();
        b.nextDelayMillis();
        assertEquals(4_000, b.currentStepMillis());
        b.connectionStable(100_000, 129_999);
        assertEquals(4_000, b.currentStepMillis(), "up for less than reset-after: keep backing off");
        b.connectionStable(100_000, 130_000);
        assertEquals(1_000, b.currentStepMillis());
    }

    @Test
    void nonsenseDelaysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 1_000, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(2_000, 1_000, 0, 1));
    }
}
