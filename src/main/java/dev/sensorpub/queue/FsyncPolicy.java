package dev.sensorpub.queue;

/**
 * When the file queue forces appended records to the storage device. What a power cut can cost
 * is bounded by this policy; a process crash (kill -9) loses nothing either way, because written
 * bytes are already in the kernel's page cache.
 */
public record FsyncPolicy(Mode mode, long amount) {
    public enum Mode {
        /** fsync at most every {@code amount} milliseconds, from {@link MessageQueue#tick}. */
        INTERVAL_MILLIS,
        /** fsync after every {@code amount} appended records. */
        EVERY_RECORDS,
        /** Leave it to the kernel (typically written back within 30 s); only sync() and close() fsync. */
        NEVER
    }

    /**
     * Default: a power cut loses at most the last second of readings, and the flash sees at most
     * one data fsync per second (plus one checkpoint fsync every 10 s).
     */
    public static final FsyncPolicy DEFAULT = everyMillis(1000);

    public FsyncPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("fsync mode must not be null");
        }
        if (mode != Mode.NEVER && amount < 1) {
            throw new IllegalArgumentException("fsync " + mode + " needs an amount of at least 1, got " + amount);
        }
    }

    public static FsyncPolicy everyMillis(long millis) {
        return new FsyncPolicy(Mode.INTERVAL_MILLIS, millis);
    }

    public static FsyncPolicy everyRecords(long records) {
        return new FsyncPolicy(Mode.EVERY_RECORDS, records);
    }

    public static FsyncPolicy never() {
        return new FsyncPolicy(Mode.NEVER, 0);
    }
}
