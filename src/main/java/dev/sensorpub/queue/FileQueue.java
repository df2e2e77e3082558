package dev.sensorpub.queue;

import dev.sensorpub.log.Log;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The persistent queue: a {@link FileRing} driven by an {@link FsyncPolicy}. When storage fails
 * (full disk, read-only file system, I/O error), new messages go to a {@link MemoryQueue} that
 * continues the sequence, while the records already in the file are still delivered first. It
 * stays that way until restart.
 */
public final class FileQueue implements MessageQueue {
    /**
     * How often the checkpoint is fsynced (at most). It only decides how many confirmed messages
     * come back as duplicates after a power cut (after a killed process the unforced checkpoint,
     * rewritten on every tick, is current), while each fsync costs a flash page.
     */
    static final long CHECKPOINT_INTERVAL_MILLIS = 10_000;

    private final FileRing ring;
    private final FsyncPolicy fsync;
    private final QueueCounters counters;
    private final int maxMessages;
    private final OverflowPolicy overflow;
    private final int maxRecordBytes;
    private MemoryQueue fallback;
    private long fallbackFirstSequence = Long.MAX_VALUE;
    private long lastSyncMillis;
    private long lastCheckpointMillis;
    private boolean ticked;

    private FileQueue(FileRing ring, FsyncPolicy fsync, QueueCounters counters, int maxMessages,
                      OverflowPolicy overflow, int maxRecordBytes) {
        this.ring = ring;
        this.fsync = fsync;
        this.counters = counters;
        this.maxMessages = maxMessages;
        this.overflow = overflow;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Opens or creates the queue in {@code directory} and recovers what it holds.
     *
     * @throws IOException if the directory or its files cannot be opened at all
     */
    public static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                                 FsyncPolicy fsync, int maxRecordBytes) throws IOException {
        return open(directory, capacityBytes, maxMessages, overflow, fsync, maxRecordBytes, StorageOpener.FILES);
    }

    static FileQueue open(Path directory, long capacityBytes, int maxMessages, OverflowPolicy overflow,
                          FsyncPolicy fsync, int maxRecordBytes, StorageOpener opener) throws IOException {
        QueueCounters counters = new QueueCounters();
        FileRing ring = FileRing.open(directory, MemoryQueue.arenaSize(capacityBytes), maxMessages, overflow,
                maxRecordBytes, counters, opener);
        return new FileQueue(ring, fsync, counters, maxMessages, overflow, maxRecordBytes);
    }

    /** True once storage failed and new messages live in memory. */
    public boolean inMemoryFallback() {
        return fallback != null;
    }

    /** Bytes handed to the file system (records and checkpoints), for the bytes-per-message figure. */
    public long bytesWritten() {
        return ring.bytesWritten();
    }

    @Override
    public long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                       int payloadLength, int qos, boolean retain, long timestampMillis, long expiresAtMillis) {
        if (fallback == null) {
            long sequence = ring.append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength,
                    qos, retain, timestampMillis, expiresAtMillis);
            if (!ring.broken()) {
                if (fsync.mode() == FsyncPolicy.Mode.EVERY_RECORDS && ring.unsyncedRecords() >= fsync.amount()) {
                    ring.forceData();
                }
                return sequence;
            }
            if (sequence > 0) {
                return sequence;
            }
            fallback = new MemoryQueue(ring.capacity, maxMessages, overflow, maxRecordBytes, ring.nextSequence(),
                    counters);
            fallbackFirstSequence = ring.nextSequence();
            Log.logger("queue").warn("queue now in memory from sequence " + fallbackFirstSequence
                    + "; " + counters.queuedMessages + " messages still in the file are delivered first");
        }
        return fallback.append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, qos, retain,
                timestampMillis, expiresAtMillis);
    }

    @Override
    public long peekSequence(long nowMillis) {
        long sequence = ring.peekSequence(nowMillis);
        return sequence >= 0 || fallback == null ? sequence : fallback.peekSequence(nowMillis);
    }

    @Override
    public boolean next(QueuedRecord into, long nowMillis) {
        return ring.next(into, nowMillis) || fallback != null && fallback.next(into, nowMillis);
    }

    @Override
    public void confirm(long sequence) {
        if (sequence >= fallbackFirstSequence) {
            fallback.confirm(sequence);
        } else {
            ring.confirm(sequence);
        }
    }

    @Override
    public void rewind() {
        ring.rewind();
        if (fallback != null) {
            fallback.rewind();
        }
    }

    @Override
    public long oldestSequence() {
        if (!ring.isEmpty() || fallback == null) {
            return ring.oldestSequence();
        }
        return fallback.oldestSequence();
    }

    @Override
    public long nextSequence() {
        return fallback == null ? ring.nextSequence() : fallback.nextSequence();
    }

    @Override
    public QueueCounters counters() {
        return counters;
    }

    @Override
    public void sync() {
        ring.sync();
    }

    /**
     * {@code nowMillis} is monotonic ({@link dev.sensorpub.time.Clock#monotonicMillis()}): the
     * pacing of fsyncs must not stop or race when the wall clock is stepped.
     */
    @Override
    public void tick(long nowMillis) {
        if (!ticked || nowMillis < lastSyncMillis || nowMillis < lastCheckpointMillis) {
            ticked = true;
            lastSyncMillis = nowMillis;
            lastCheckpointMillis = nowMillis;
        }
        if (fsync.mode() == FsyncPolicy.Mode.INTERVAL_MILLIS && nowMillis - lastSyncMillis >= fsync.amount()) {
            ring.forceData();
            lastSyncMillis = nowMillis;
        }
        ring.checkpointIfMoved();
        if (nowMillis - lastCheckpointMillis >= CHECKPOINT_INTERVAL_MILLIS) {
            ring.forceCheckpoint(fsync.mode() != FsyncPolicy.Mode.NEVER);
            lastCheckpointMillis = nowMillis;
        }
    }

    /** fsyncs of the ring and the checkpoint so far (start-up's included), for the flash-wear figures. */
    public long fsyncs() {
        return ring.fsyncs();
    }

    @Override
    public void close() {
        ring.close();
    }
}
