package dev.sensorpub.testing;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What a counting subscriber saw of a counter 0, 1, 2, ...: every arrival with its time, so that a
 * test can tell lost readings, duplicates, first arrivals out of order, and when the readings up to
 * a value were all in. Thread-safe: a reader thread records, the test asks.
 */
public final class Arrivals {
    private final BitSet seen = new BitSet();
    private long[] firstArrivalNanos = new long[1024];
    private long total;
    private long outOfOrder;
    private long highestFirst = -1;
    private int prefix; // every value below it has arrived
    private long malformed;
    private String firstMalformed;

    /** One message with the counter's value, arrived at {@code nanos} (System.nanoTime). */
    public synchronized void record(long value, long nanos) {
        if (value < 0 || value > Integer.MAX_VALUE - 1) {
            recordMalformed(String.valueOf(value));
            return;
        }
        int v = (int) value;
        total++;
        if (seen.get(v)) {
            return;
        }
        seen.set(v);
        if (v >= firstArrivalNanos.length) {
            firstArrivalNanos = Arrays.copyOf(firstArrivalNanos, Math.max(v + 1, firstArrivalNanos.length * 2));
        }
        firstArrivalNanos[v] = nanos;
        if (v < highestFirst) {
            outOfOrder++;
        }
        highestFirst = Math.max(highestFirst, v);
        int before = prefix;
        prefix = seen.nextClearBit(prefix);
        if (prefix != before) {
            notifyAll();
        }
    }

    /** A payload that is not a counter value: counted, and the first one kept for the report. */
    public synchronized void recordMalformed(String payload) {
        if (malformed++ == 0) {
            firstMalformed = payload;
        }
    }

    /** Values that arrived at least once. */
    public synchronized long distinct() {
        return seen.cardinality();
    }

    /** Arrivals beyond the first of each value. */
    public synchronized long duplicates() {
        return total - seen.cardinality();
    }

    /** First arrivals of a value lower than one that had already arrived. */
    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    /** The lowest value that has not arrived: 0 .. prefix-1 are all in. */
    public synchronized int prefix() {
        return prefix;
    }

    /** The highest value that arrived; -1 before any. */
    public synchronized long highest() {
        return highestFirst;
    }

    /** Values in 0 .. produced-1 that never arrived. */
    public synchronized long missingBelow(long produced) {
        int n = (int) Math.min(produced, Integer.MAX_VALUE);
        return n - seen.get(0, n).cardinality();
    }

    public synchronized long malformed() {
        return malformed;
    }

    public synchronized String firstMalformed() {
        return firstMalformed;
    }

    /**
     * When value 0 was produced, assuming one value every {@code intervalNanos}: the earliest
     * arrival less its offset, i.e. the arrival with the least delay. Long.MIN_VALUE before any.
     */
    public synchronized long productionStartNanos(long intervalNanos) {
        long best = Long.MAX_VALUE;
        for (int v = seen.nextSetBit(0); v >= 0; v = seen.nextSetBit(v + 1)) {
            best = Math.min(best, firstArrivalNanos[v] - v * intervalNanos);
        }
        return best == Long.MAX_VALUE ? Long.MIN_VALUE : best;
    }

    /**
     * Waits until 0 .. target-1 have all arrived; returns the arrival time of the last of them, or
     * -1 after {@code timeoutMillis}.
     */
    public synchronized long awaitPrefix(int target, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (prefix < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        long last = Long.MIN_VALUE;
        for (int v = 0; v < target; v++) {
            last = Math.max(last, firstArrivalNanos[v]);
        }
        return target == 0 ? System.nanoTime() : last;
    }

    @Override
    public synchronized String toString() {
        return "distinct " + seen.cardinality() + ", duplicates " + (total - seen.cardinality()) + ", out of order "
                + outOfOrder + ", all in below " + prefix + ", highest " + highestFirst
                + (malformed == 0 ? "" : ", malformed " + malformed + " (first '" + firstMalformed + "')");
    }
}
