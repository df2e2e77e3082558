package dev.sensorpub.queue;

import java.nio.file.Path;

/**
 * The queue's configuration as already-parsed values ({@code queue.*} keys).
 *
 * @param type               {@code queue.type}
 * @param path               {@code queue.path}: directory of the file backend (ignored for memory)
 * @param capacityBytes      {@code queue.capacity}: storage bytes, record headers included
 * @param maxMessages        {@code queue.max-messages}
 * @param overflow           {@code queue.overflow}
 * @param fsync              {@code queue.fsync} (file backend only)
 * @param flushRatePerSecond {@code queue.flush-rate}: backlog pacing after a reconnect, 0 = unlimited
 */
public record QueueSettings(Type type, Path path, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                            FsyncPolicy fsync, int flushRatePerSecond) {
    public enum Type { MEMORY, FILE }

    /** Rings address bytes with an int; 1 GiB is far beyond what a Pi's queue needs. */
    public static final long MAX_CAPACITY_BYTES = 1L << 30;

    public QueueSettings {
        if (type == null) {
            throw new IllegalArgumentException("queue.type must be memory or file");
        }
        if (type == Type.FILE && path == null) {
            throw new IllegalArgumentException("queue.path is required when queue.type is file");
        }
        if (capacityBytes < 1024 || capacityBytes > MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("queue.capacity " + capacityBytes
                    + " is out of range: must be 1024 bytes to 1 GiB");
        }
        if (maxMessages < 1) {
            throw new IllegalArgumentException("queue.max-messages " + maxMessages + " must be at least 1");
        }
        if (overflow == null) {
            throw new IllegalArgumentException("queue.overflow must be drop-oldest or drop-newest");
        }
        if (fsync == null) {
            throw new IllegalArgumentException("queue.fsync must be set (e.g. 1s, 100 records, never)");
        }
        if (flushRatePerSecond < 0) {
            throw new IllegalArgumentException("queue.flush-rate " + flushRatePerSecond + " must be 0 (no limit) or more");
        }
    }

    /** The defaults: memory, 8 MiB, 100,000 messages, drop-oldest, fsync every second, no flush limit. */
    public static QueueSettings defaults() {
        return new QueueSettings(Type.MEMORY, Path.of("queue"), 8L << 20, 100_000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.DEFAULT, 0);
    }
}
