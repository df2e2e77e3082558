package dev.sensorpub.queue;

import dev.sensorpub.log.Counts;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.time.Clock;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The persistent queue: a {@link FileRing} driven by an {@link FsyncPolicy}. When storage fails
 * (full disk, read-only file, I/O error), new messages go to a {@link MemoryQueue} reserved at
 * start that continues the sequence, while the records already in the file are still delivered
 * first. Once the memory part is empty again the file is tried every
 * {@link #RETRY_INTERVAL_MILLIS}, and new messages go back to it when it works.
 */
public final class FileQueue implements MessageQueue {
    /**
     * How often the checkpoint is fsynced (at most). It only decides how many confirmed messages
     * come back as duplicates after a power cut (after a killed process the unforced checkpoint,
     * rewritten on every tick, is current), while each fsync costs a flash page.
     */
    static final long CHECKPOINT_INTERVAL_MILLIS = 10_000;
    /** How often a failed file is tried again. */
    static final long RETRY_INTERVAL_MILLIS = 10_000;
    /** The memory fallback reserved at start: an eighth of the capacity, at least this much. */
    static final int MIN_FALLBACK_BYTES = 64 * 1024;

    private static final Logger LOG = Log.logger("queue");

    private final FileRing ring;
    private final FsyncPolicy fsync;
    private final QueueCounters counters;
    private final MemoryQueue fallback;
    private boolean inFallback;
    /** Sequences [fallbackFirst, fallbackEnd) live in the fallback. */
    private long fallbackFirst = Long.MAX_VALUE;
    private long fallbackEnd = Long.MAX_VALUE;
    private long lastSyncMillis;
    private long lastCheckpointMillis;
    private long lastRetryMillis;
    private boolean ticked;

    private FileQueue(FileRing ring, FsyncPolicy fsync, QueueCounters counters, MemoryQueue fallback) {
        this.ring = ring;
        this.fsync = fsync;
        this.counters = counters;
        this.fallback = fallback;
        if (ring.broken()) {
            startFallback();
        }
    }

    /**
     * Opens or creates the queue in {@code directory} and recovers what it holds.
     *
     * @throws IOException if the directory or its files cannot be opened at all, or the file
     *         system cannot hold the ring
     */
    public static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                                 FsyncPolicy fsync, int maxRecordBytes) throws IOException {
        return open(directory, capacityBytes, maxMessages, overflow, fsync, maxRecordBytes, StorageOpener.FILES,
                Clock.SYSTEM);
    }

    /** As above, with the clock that converts expiry deadlines to and from the file. */
    public static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                                 FsyncPolicy fsync, int maxRecordBytes, Clock clock) throws IOException {
        return open(directory, capacityBytes, maxMessages, overflow, fsync, maxRecordBytes, StorageOpener.FILES, clock);
    }

    static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                          FsyncPolicy fsync, int maxRecordBytes, StorageOpener opener) throws IOException {
        return open(directory, capacityBytes, maxMessages, overflow, fsync, maxRecordBytes, opener, Clock.SYSTEM);
    }

    static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                          FsyncPolicy fsync, int maxRecordBytes, StorageOpener opener, Clock clock)
            throws IOException {
        QueueCounters counters = new QueueCounters();
        int fallbackBytes = fallbackBytes(capacityBytes);
        MemoryQueue fallback = new MemoryQueue(fallbackBytes, Math.max(1, Math.min(maxMessages,
                fallbackBytes / RecordFormat.HEADER_BYTES)), overflow, maxRecordBytes, 1, counters, clock);
        FileRing ring = FileRing.open(directory, MemoryQueue.arenaSize(capacityBytes), maxMessages, overflow,
                maxRecordBytes, counters, opener, clock);
        return new FileQueue(ring, fsync, counters, fallback);
    }

    /** Heap bytes reserved at start for the memory fallback of a file queue of {@code capacityBytes}. */
    public static int fallbackBytes(long capacityBytes) {
        return (int) Math.min(capacityBytes, Math.max(MIN_FALLBACK_BYTES, capacityBytes / 8)) & -RecordFormat.ALIGNMENT;
    }

    @Override
    public int largestRecoveredMessageBytes() {
        return ring.largestRecoveredMessageBytes();
    }

    /** True while new messages live in memory because the file failed. */
    public boolean inMemoryFallback() {
        return inFallback;
    }

    /** Bytes handed to the file system (records and checkpoints), for the bytes-per-message figure. */
    public long bytesWritten() {
        return ring.bytesWritten();
    }

    /** fsyncs of the ring and the checkpoint so far (start-up's included), for the flash-wear figures. */
    public long fsyncs() {
        return ring.fsyncs();
    }

    private void startFallback() {
        inFallback = true;
        fallbackFirst = ring.nextSequence();
        fallbackEnd = Long.MAX_VALUE;
        fallback.startAt(fallback.tailPosition(), fallbackFirst);
        LOG.warn("queue in memory from sequence " + fallbackFirst + "; the file's " + counters.queuedMessages
                + " messages go first");
    }

    @Override
    public long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                       int payloadLength, int qos, boolean retain, long timestampMillis, int stampAt,
                       long capturedAtMillis, long expiresAtMillis) {
        if (!inFallback && ring.broken()) {
            startFallback();
        }
        if (!inFallback) {
            long sequence = ring.append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength,
                    qos, retain, timestampMillis, stampAt, capturedAtMillis, expiresAtMillis);
            if (sequence > 0 || !ring.broken()) {
                if (fsync.mode() == FsyncPolicy.Mode.EVERY_RECORDS && ring.unsyncedRecords() >= fsync.amount()) {
                    ring.forceData();
                }
                if (ring.broken()) {
                    startFallback();
                }
                return sequence;
            }
            startFallback();
        }
        return fallback.append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, qos, retain,
                timestampMillis, stampAt, capturedAtMillis, expiresAtMillis);
    }

    private boolean inFallbackRange(long sequence) {
        return sequence >= fallbackFirst && sequence < fallbackEnd;
    }

    @Override
    public long peekSequence(long nowMillis) {
        long sequence = ring.peekSequence(nowMillis);
        return sequence >= 0 || fallback.isEmpty() ? sequence : fallback.peekSequence(nowMillis);
    }

    @Override
    public boolean next(QueuedRecord into, long nowMillis) {
        return ring.next(into, nowMillis) || !fallback.isEmpty() && fallback.next(into, nowMillis);
    }

    @Override
    public void confirm(long sequence) {
        if (inFallbackRange(sequence)) {
            fallback.confirm(sequence);
        } else {
            ring.confirm(sequence);
        }
    }

    @Override
    public void rewind() {
        ring.rewind();
        fallback.rewind();
    }

    @Override
    public long oldestSequence() {
        if (!ring.isEmpty()) {
            return ring.oldestSequence();
        }
        return fallback.isEmpty() ? nextSequence() : fallback.oldestSequence();
    }

    @Override
    public long nextSequence() {
        return inFallback ? fallback.nextSequence() : ring.nextSequence();
    }

    @Override
    public QueueCounters counters() {
        return counters;
    }

    @Override
    public void sync() {
        if (!ring.broken()) {
            ring.sync();
        }
    }

    /**
     * {@code nowMillis} is monotonic ({@link dev.sensorpub.time.Clock#monotonicMillis()}): the
     * pacing of fsyncs must not stop or race when the wall clock is stepped.
     */
    @Override
    public void tick(long nowMillis) {
        if (!ticked || nowMillis < lastSyncMillis || nowMillis < lastCheckpointMillis || nowMillis < lastRetryMillis) {
            ticked = true;
            lastSyncMillis = nowMillis;
            lastCheckpointMillis = nowMillis;
            lastRetryMillis = nowMillis;
        }
        ring.tick(nowMillis);
        fallback.tick(nowMillis);
        if (fsync.mode() == FsyncPolicy.Mode.INTERVAL_MILLIS && nowMillis - lastSyncMillis >= fsync.amount()) {
            ring.forceData();
            lastSyncMillis = nowMillis;
        }
        ring.checkpointIfMoved();
        ring.startAfreshIfDone();
        if (nowMillis - lastCheckpointMillis >= CHECKPOINT_INTERVAL_MILLIS) {
            ring.forceCheckpoint(fsync.mode() != FsyncPolicy.Mode.NEVER);
            lastCheckpointMillis = nowMillis;
        }
        if (inFallback && fallback.isEmpty() && nowMillis - lastRetryMillis >= RETRY_INTERVAL_MILLIS) {
            lastRetryMillis = nowMillis;
            long next = fallback.nextSequence();
            if (ring.tryResume(next)) {
                inFallback = false;
                fallbackEnd = next;
            }
        }
        if (ring.broken() && !inFallback) {
            startFallback();
        }
    }

    /** Closes the files and says exactly what was kept on disk and what, held in memory, is lost. */
    @Override
    public void close() {
        long kept = ring.pendingCount();
        long lost = fallback.pendingCount();
        ring.close();
        LOG.info("queue closed: " + Counts.of(kept, "message") + " kept on disk"
                + (lost == 0 ? " for the next start" : ", " + lost + " in memory lost (storage error)"));
    }
}
