package dev.sensorpub.queue;

import dev.sensorpub.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The ring of records in one fixed-size file ({@code queue.ring}), plus the {@link Checkpoint}
 * that says where the oldest unconfirmed record is. Records are written once, sequentially, with
 * positional writes from a preallocated direct buffer; next() reads them back through another.
 *
 * <p>Recovery starts at the checkpoint and follows records whose CRC holds and whose sequence
 * grows. Where that chain breaks (a torn tail, a damaged record, the gap before a wrap) it steps
 * forward 8 bytes at a time looking for the next intact record with a higher sequence, for at
 * most one lap of the ring. Stale records from earlier laps all carry lower sequences, so they
 * are never taken for live ones; the sequences missing between two intact records are counted
 * as corrupt-skipped.
 *
 * <p>The checkpoint is written periodically, not per confirm, so records confirmed since the
 * last one come back after a crash (at-least-once). One rule keeps recovery sound: the writer
 * never overwrites the record the stored checkpoint points at; when it is about to, it writes a
 * fresh checkpoint first.
 */
final class FileRing extends RingQueue {
    static final String RING_FILE = "queue.ring";
    static final String CHECKPOINT_FILE = "queue.checkpoint";

    private final Path file;
    private final FileChannel data;
    private final Checkpoint checkpoint;
    private final boolean forceCheckpoints;
    /** Records are built and checked in heap buffers, so the encoding code sees one buffer type (stable JIT profile). */
    private final ByteBuffer writeView;
    private final byte[] writeArray;
    private final ByteBuffer readView;
    private final byte[] readArray;
    /** Direct buffers for the channel, which would otherwise copy through a temporary one. */
    private final ByteBuffer writeBuffer;
    private final ByteBuffer readBuffer;
    private final CRC32C crc = new CRC32C();
    private final RateLimitedWarning unreadable;
    private boolean broken;
    private boolean appendedSinceCheckpoint;
    private int unsyncedRecords;
    private long bytesWritten;

    private FileRing(Path file, FileChannel data, Checkpoint checkpoint, int capacity, int maxMessages,
                     OverflowPolicy overflow, int maxRecordBytes, boolean forceCheckpoints, QueueCounters counters) {
        super(capacity, maxMessages, overflow, maxRecordBytes, 1, counters);
        this.file = file;
        this.data = data;
        this.checkpoint = checkpoint;
        this.forceCheckpoints = forceCheckpoints;
        int maxStored = RecordFormat.storedLength(0, Math.min(maxRecordBytes, capacity));
        this.writeBuffer = ByteBuffer.allocateDirect(maxStored);
        this.readBuffer = ByteBuffer.allocateDirect(maxStored);
        this.writeArray = new byte[maxStored];
        this.writeView = ByteBuffer.wrap(writeArray);
        this.readArray = new byte[maxStored];
        this.readView = ByteBuffer.wrap(readArray);
        this.unreadable = new RateLimitedWarning(log, "queue file " + file + ": records skipped as unreadable",
                10_000_000_000L);
    }

    /**
     * Opens (creating if needed) the ring in {@code directory} and recovers what it holds. A ring
     * that already exists keeps the size its checkpoint records.
     */
    static FileRing open(Path directory, int capacity, int maxMessages, OverflowPolicy overflow, int maxRecordBytes,
                         boolean forceCheckpoints, QueueCounters counters, StorageOpener opener) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(RING_FILE);
        boolean created = !Files.exists(file);
        FileChannel data = opener.open(file);
        FileChannel checkpointChannel = null;
        try {
            checkpointChannel = opener.open(directory.resolve(CHECKPOINT_FILE));
            Checkpoint checkpoint = new Checkpoint(checkpointChannel);
            int size = capacity;
            if (checkpoint.valid() && checkpoint.capacity() != capacity && usableCapacity(checkpoint.capacity())) {
                size = checkpoint.capacity();
                Log.logger("queue").warn("queue file " + file + " keeps its size of " + size
                        + " bytes, not queue.capacity=" + capacity + "; delete " + directory + " to resize it");
            }
            if (data.size() < size) {
                data.write(ByteBuffer.allocate(1), size - 1);
            }
            FileRing ring = new FileRing(file, data, checkpoint, size, maxMessages, overflow, maxRecordBytes,
                    forceCheckpoints, counters);
            ring.recover();
            if (created) {
                syncDirectory(directory);
            }
            return ring;
        } catch (IOException | RuntimeException e) {
            data.close();
            if (checkpointChannel != null) {
                checkpointChannel.close();
            }
            throw e;
        }
    }

    /** Makes the new files' directory entries durable, so a power cut cannot lose the files themselves. */
    private static void syncDirectory(Path directory) {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ)) {
            entries.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the files still work, only a power cut right
            // after creation could lose them.
        }
    }

    private static boolean usableCapacity(int size) {
        return size >= 1024 && size % RecordFormat.ALIGNMENT == 0 && size <= QueueSettings.MAX_CAPACITY_BYTES;
    }

    private void recover() throws IOException {
        boolean resume = checkpoint.valid() && checkpoint.capacity() == capacity && checkpoint.sequence() >= 1
                && checkpoint.position() >= 0 && checkpoint.position() < capacity
                && checkpoint.position() % RecordFormat.ALIGNMENT == 0;
        int start = resume ? checkpoint.position() : 0;
        long after = resume ? checkpoint.sequence() - 1 : 0;
        long first = 0;
        long corrupt = 0;
        ByteBuffer scan = data.map(FileChannel.MapMode.READ_ONLY, 0, capacity);
        int at = start;
        for (long advanced = 0; advanced < capacity; ) {
            // A record may not run past the ring's end, past one lap, or beyond what the read buffer holds
            // (a record written under a larger record limit is skipped as damaged).
            int room = (int) Math.min(Math.min(capacity - at, capacity - advanced), readArray.length);
            int stored = RecordFormat.intactLength(scan, at, after, room, crc);
            int step = RecordFormat.ALIGNMENT;
            if (stored > 0) {
                long sequence = RecordFormat.sequence(scan, at);
                if (resume || first != 0) {
                    corrupt += sequence - after - 1;
                }
                if (first == 0) {
                    first = sequence;
                }
                remember(sequence, at, stored, RecordFormat.expiresAtMillis(scan, at));
                after = sequence;
                step = stored;
            }
            at = at + step == capacity ? 0 : at + step;
            advanced += step;
        }
        if (first == 0) {
            startAt(start, resume ? checkpoint.sequence() : 1);
        }
        counters.corruptSkipped += corrupt;
        if (corrupt > 0) {
            log.warn("queue file " + file + ": " + corrupt + " damaged records skipped during recovery");
        }
        log.info("queue file " + file + " (" + capacity + " bytes): " + counters.queuedMessages
                + " stored messages recovered" + (first == 0 ? "" : " (sequences " + first + " to " + after + ")")
                + ", next sequence " + nextSequence());
        try {
            writeCheckpoint();
        } catch (IOException e) {
            fail("writing the checkpoint", e);
        }
    }

    boolean broken() {
        return broken;
    }

    int unsyncedRecords() {
        return unsyncedRecords;
    }

    /** Bytes handed to the file system so far: records, plus 32 per checkpoint. */
    long bytesWritten() {
        return bytesWritten;
    }

    @Override
    protected boolean store(int regionStart, int position, int storedLength, long sequence,
                            byte[] topic, int topicOffset, int topicLength,
                            byte[] payload, int payloadOffset, int payloadLength,
                            int qos, boolean retain, long timestampMillis, long expiresAtMillis) {
        if (broken) {
            return false;
        }
        try {
            if (overwritesCheckpointedRecord(regionStart, position, storedLength)) {
                writeCheckpoint();
            }
            RecordFormat.encode(writeView, 0, sequence, topic, topicOffset, topicLength, payload, payloadOffset,
                    payloadLength, qos, retain, timestampMillis, expiresAtMillis);
            RecordFormat.seal(writeView, 0, crc);
            writeBuffer.put(0, writeArray, 0, storedLength);
            writeBuffer.limit(storedLength).position(0);
            long at = position;
            while (writeBuffer.hasRemaining()) {
                at += data.write(writeBuffer, at);
            }
            writeBuffer.clear();
            appendedSinceCheckpoint = true;
            unsyncedRecords++;
            bytesWritten += storedLength;
            return true;
        } catch (IOException e) {
            writeBuffer.clear();
            fail("writing a record", e);
            return false;
        }
    }

    /**
     * Whether writing [regionStart .. position + storedLength) (across the wrap gap, if any) would
     * overwrite the record the stored checkpoint names. Writing the very record the checkpoint
     * expects next (nothing appended since) is the one harmless case.
     */
    private boolean overwritesCheckpointedRecord(int regionStart, int position, int storedLength) {
        int pinned = checkpoint.position();
        if (pinned == regionStart && !appendedSinceCheckpoint) {
            return false;
        }
        int region = position >= regionStart ? position + storedLength - regionStart
                : capacity - regionStart + position + storedLength;
        int distance = pinned >= regionStart ? pinned - regionStart : pinned + capacity - regionStart;
        return distance < region;
    }

    @Override
    protected boolean load(int position, int storedLength, long sequence, QueuedRecord into) {
        try {
            readBuffer.limit(storedLength).position(0);
            long at = position;
            while (readBuffer.hasRemaining()) {
                int read = data.read(readBuffer, at);
                if (read < 0) {
                    break;
                }
                at += read;
            }
            boolean complete = !readBuffer.hasRemaining();
            readBuffer.clear();
            readBuffer.get(0, readArray, 0, storedLength);
            if (!complete || RecordFormat.intactLength(readView, 0, sequence - 1, storedLength, crc) != storedLength
                    || RecordFormat.sequence(readView, 0) != sequence) {
                counters.corruptSkipped++;
                unreadable.occurred(System.nanoTime());
                return false;
            }
            RecordFormat.decode(readView, 0, readArray, 0, into);
            return true;
        } catch (IOException e) {
            readBuffer.clear();
            counters.storageErrors++;
            unreadable.occurred(System.nanoTime());
            return false;
        }
    }

    /** fsync of the records appended since the last one. */
    void forceData() {
        if (broken || unsyncedRecords == 0) {
            return;
        }
        try {
            data.force(false);
            unsyncedRecords = 0;
        } catch (IOException e) {
            fail("fsync", e);
        }
    }

    /** Persists the oldest unconfirmed position if it moved since the last checkpoint. */
    void checkpointIfMoved(boolean force) {
        if (broken || oldestSequence() == checkpoint.sequence() && oldestPosition() == checkpoint.position()) {
            return;
        }
        try {
            writeCheckpoint(force);
        } catch (IOException e) {
            fail("writing the checkpoint", e);
        }
    }

    private void writeCheckpoint() throws IOException {
        writeCheckpoint(forceCheckpoints);
    }

    private void writeCheckpoint(boolean force) throws IOException {
        checkpoint.write(oldestSequence(), oldestPosition(), capacity, force);
        appendedSinceCheckpoint = false;
        bytesWritten += 32;
    }

    private void fail(String operation, IOException e) {
        counters.storageErrors++;
        if (!broken) {
            broken = true;
            log.error("queue file " + file + ": " + operation + " failed (" + e.getMessage()
                    + "); new messages are kept in memory until restart, stored ones are still delivered");
        }
    }

    @Override
    public void sync() {
        forceData();
        checkpointIfMoved(true);
    }

    @Override
    public void tick(long nowMillis) {
        // The owning FileQueue applies the fsync policy.
    }

    @Override
    public void close() {
        sync();
        try {
            data.close();
            checkpoint.close();
        } catch (IOException e) {
            log.warn("queue file " + file + ": close failed (" + e.getMessage() + ")");
        }
    }
}
