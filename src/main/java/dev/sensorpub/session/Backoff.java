package dev.sensorpub.session;

import java.util.SplittableRandom;

/**
 * Reconnect delays: exponential from {@code min} to {@code max} with "full jitter" (a random
 * delay between half and all of the current step, so a fleet of Pis that lost the same broker
 * does not come back in lock-step), reset once a connection has stayed up for {@code resetAfter}.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final long resetAfterMillis;
    private final SplittableRandom random;
    private long stepMillis;

    Backoff(long minMillis, long maxMillis, long resetAfterMillis, long seed) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("reconnect delays must satisfy 1 ms <= min (" + minMillis
                    + " ms) <= max (" + maxMillis + " ms)");
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.resetAfterMillis = resetAfterMillis;
        this.random = new SplittableRandom(seed);
        this.stepMillis = minMillis;
    }

    /** The delay before the next attempt; each call doubles the step up to the maximum. */
    long nextDelayMillis() {
        long step = stepMillis;
        stepMillis = Math.min(maxMillis, stepMillis * 2);
        long half = step / 2;
        return half + random.nextLong(step - half + 1);
    }

    /** A refusal that will not fix itself: wait the longest delay from now on. */
    void jumpToMax() {
        stepMillis = maxMillis;
    }

    /** The link has been up since {@code connectedAtMillis}; a long enough spell resets the steps. */
    void connectionStable(long connectedAtMillis, long nowMillis) {
        if (nowMillis - connectedAtMillis >= resetAfterMillis) {
            stepMillis = minMillis;
        }
    }

    long currentStepMillis() {
        return stepMillis;
    }
}
