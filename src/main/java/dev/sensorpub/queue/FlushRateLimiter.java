package dev.sensorpub.queue;

/**
 * Paces the backlog after a reconnect so a long outage does not flood a thin uplink: a token
 * bucket kept as one "theoretical arrival time" (the generic cell rate algorithm), so it needs no
 * refill timer and allocates nothing. Times are {@link System#nanoTime()} values passed in.
 */
public final class FlushRateLimiter {
    private final long intervalNanos;
    private final long burstNanos;
    private long theoreticalArrival;
    private boolean started;

    /** {@code messagesPerSecond} = 0 means unlimited; bursts up to a tenth of a second's worth (at least 1). */
    public FlushRateLimiter(int messagesPerSecond) {
        this(messagesPerSecond, Math.max(1, messagesPerSecond / 10));
    }

    public FlushRateLimiter(int messagesPerSecond, int burstMessages) {
        if (messagesPerSecond < 0) {
            throw new IllegalArgumentException("flush rate " + messagesPerSecond + " messages/s must be 0 (no limit) or more");
        }
        if (burstMessages < 1) {
            throw new IllegalArgumentException("flush burst " + burstMessages + " must be at least 1 message");
        }
        this.intervalNanos = messagesPerSecond == 0 ? 0 : 1_000_000_000L / messagesPerSecond;
        this.burstNanos = (burstMessages - 1) * intervalNanos;
    }

    public boolean unlimited() {
        return intervalNanos == 0;
    }

    /** Takes one message's worth of budget if available at {@code nowNanos}. */
    public boolean tryAcquire(long nowNanos) {
        if (intervalNanos == 0) {
            return true;
        }
        if (!started || theoreticalArrival - nowNanos < 0) {
            theoreticalArrival = nowNanos;
            started = true;
        }
        if (theoreticalArrival - nowNanos > burstNanos) {
            return false;
        }
        theoreticalArrival += intervalNanos;
        return true;
    }

    /** Nanoseconds until {@link #tryAcquire} can succeed (0 = now): a deadline for the loop. */
    public long nanosUntilAvailable(long nowNanos) {
        if (intervalNanos == 0 || !started) {
            return 0;
        }
        return Math.max(0, theoreticalArrival - burstNanos - nowNanos);
    }
}
