package dev.sensorpub.log;

import java.time.Duration;

/**
 * "At most one line per interval" for each of a fixed set of keys (a sensor's index, an error
 * kind), for packages that log their own recurring events with counts in them, which folding
 * cannot merge because the text changes:
 * <pre>
 * if (readErrors.tryAcquire(sensorIndex, nowNanos)) {
 *     log.warn(name + " read failed: " + Problems.describe(e)
 *             + " (" + readErrors.refusedBefore(sensorIndex) + " more since last report)");
 * }
 * </pre>
 * The caller passes the time, so tests drive it without sleeping and the loop reuses the
 * timestamp it already has. Checks allocate nothing; methods are synchronized so listener
 * threads may share a limiter with the loop.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private final boolean[] started;
    private final long[] lastAllowedNanos;
    private final int[] refused;
    private final int[] refusedBefore;

    /**
     * @param keys     how many keys, used as 0 .. keys-1
     * @param interval the shortest time between two allowed events of one key
     */
    public RateLimiter(int keys, Duration interval) {
        if (keys < 1) {
            throw new IllegalArgumentException("rate limiter needs at least one key, was " + keys);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("rate limiter interval must not be negative, was " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.started = new boolean[keys];
        this.lastAllowedNanos = new long[keys];
        this.refused = new int[keys];
        this.refusedBefore = new int[keys];
    }

    /**
     * True when the key's event may be logged now: its first event, or the first one at least an
     * interval after the last allowed one. A refused event is counted for {@link #refusedBefore}.
     */
    public synchronized boolean tryAcquire(int key, long nowNanos) {
        if (started[key] && nowNanos - lastAllowedNanos[key] < intervalNanos) {
            if (refused[key] < Integer.MAX_VALUE) {
                refused[key]++;
            }
            return false;
        }
        started[key] = true;
        lastAllowedNanos[key] = nowNanos;
        refusedBefore[key] = refused[key];
        refused[key] = 0;
        return true;
    }

    /** How many of the key's events were refused between its last two allowed ones. */
    public synchronized int refusedBefore(int key) {
        return refusedBefore[key];
    }

    /** How many of the key's events have been refused since its last allowed one. */
    public synchronized int refusedSince(int key) {
        return refused[key];
    }
}
