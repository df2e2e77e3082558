package dev.sensorpub.agent;

/** Fixed buckets of 10 microseconds up to 1 second, so recording a latency allocates nothing. */
final class LatencyHistogram {
    private static final long BUCKET_NANOS = 10_000;
    private final long[] counts = new long[100_001];
    private long total;

    void record(long nanos) {
        int bucket = (int) Math.min(counts.length - 1, Math.max(0, nanos / BUCKET_NANOS));
        counts[bucket]++;
        total++;
    }

    long count() {
        return total;
    }

    /** The upper edge of the bucket holding the given fraction of samples, in microseconds. */
    long percentileMicros(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (i + 1) * BUCKET_NANOS / 1_000;
            }
        }
        return counts.length * BUCKET_NANOS / 1_000;
    }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }
}
