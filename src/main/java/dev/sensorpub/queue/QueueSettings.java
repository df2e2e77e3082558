package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * Heap bytes per {@code queue.max-messages}: the index keeps a sequence, an expiry, a position,
     * a length, a state, and the capture time and place of the stamp (see {@link RingQueue}).
     */
    public static final int INDEX_BYTES_PER_MESSAGE = 8 + 8 + 4 + 4 + 1 + 8 + 4;
    /** Heap assumed for everything else the agent holds (JVM, Pi4J, buffers, log) besides the queue and one packet. */
    public static final long HEAP_RESERVE_BYTES = 32L << 20;

    /**
     * Heap the queue allocates at start: the memory arena (memory queue) or the memory fallback
     * reserved for storage errors (file queue), plus the index of {@code queue.max-messages}.
     */
    public long heapBytes() {
        long arena = type == Type.MEMORY ? capacityBytes : FileQueue.fallbackBytes(capacityBytes);
        long fallbackIndex = type == Type.MEMORY ? 0
                : Math.min(maxMessages, arena / RecordFormat.HEADER_BYTES) * INDEX_BYTES_PER_MESSAGE;
        return arena + (long) maxMessages * INDEX_BYTES_PER_MESSAGE + fallbackIndex;
    }

    /**
     * Null if the queue, one packet of {@code maxPacketSize} (the decoder's buffer) and
     * {@link #HEAP_RESERVE_BYTES} fit in {@code maxHeapBytes} ({@code Runtime.maxMemory()}, set
     * by {@code -Xmx}); otherwise what does not fit, with the numbers.
     */
    public String heapProblem(long maxHeapBytes, int maxPacketSize) {
        long needed = heapBytes() + maxPacketSize + HEAP_RESERVE_BYTES;
        if (needed <= maxHeapBytes) {
            return null;
        }
        return capacityBytes + " bytes with queue.max-messages " + maxMessages + " take " + heapBytes()
                + " bytes of heap; with mqtt.max-packet-size " + maxPacketSize + " and " + (HEAP_RESERVE_BYTES >> 20)
                + " MiB for the rest that is " + (needed >> 20) + " MiB, but the JVM may use " + (maxHeapBytes >> 20)
                + " MiB (-Xmx): lower them or raise -Xmx";
    }

    /**
     * For a file queue: null if the directory {@code queue.path} is there or can be made,
     * otherwise why not, in the system's words. Start-up makes it; only making it tells whether a
     * file system takes it (/proc refuses what permissions allow), so a missing one is made and
     * removed again.
     */
    public String directoryProblem() {
        if (type != Type.FILE) {
            return null;
        }
        // Normalized: Files.createDirectories makes the normalized path when a parent is missing,
        // and the removal below must walk the names that were made.
        Path directory = path.toAbsolutePath().normalize();
        if (Files.isDirectory(directory)) {
            return null;
        }
        if (Files.exists(directory)) {
            return path + " is a file, not a directory";
        }
        Path firstMissing = directory;
        while (firstMissing.getParent() != null && !Files.exists(firstMissing.getParent())) {
            firstMissing = firstMissing.getParent();
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            return "directory " + path + " cannot be created (" + StorageErrors.describe(e) + ")";
        }
        for (Path made = directory; made != null && made.startsWith(firstMissing); made = made.getParent()) {
            try {
                Files.deleteIfExists(made);
            } catch (IOException e) {
                return null; // made and left behind: start-up would make it anyway
            }
        }
        return null;
    }

    /**
     * For a file queue: null if the file system of {@code queue.path} can hold the ring (counting
     * a ring already there), or cannot be asked; otherwise the numbers. Start-up allocates the
     * whole ring at once, so this is the same condition it would fail on.
     */
    public String storageProblem() {
        if (type != Type.FILE) {
            return null;
        }
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        return storageProblem(FileRing.usableSpace(existing), path.resolve(FileRing.RING_FILE).toFile().length());
    }

    /** {@link #storageProblem()} for a file system with {@code free} bytes (-1: unknown) and a ring of {@code ring} bytes. */
    String storageProblem(long free, long ring) {
        long needed = MemoryQueue.arenaSize(capacityBytes) + Checkpoint.FILE_BYTES - ring;
        if (free < 0 || needed <= free) {
            return null;
        }
        return capacityBytes + " bytes for the file queue in " + path + ", but its file system has " + free
                + " bytes free: lower queue.capacity or free space";
    }

    /** The defaults: memory, 8 MiB, 100,000 messages, drop-oldest, fsync every second, no flush limit. */
    public static QueueSettings defaults() {
        return new QueueSettings(Type.MEMORY, Path.of("queue"), 8L << 20, 100_000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.DEFAULT, 0);
    }
}
