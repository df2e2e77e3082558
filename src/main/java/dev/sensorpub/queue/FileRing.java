package dev.sensorpub.queue;

import dev.sensorpub.log.Log;
import dev.sensorpub.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The ring of records in one fixed-size, preallocated file ({@code queue.ring}), plus the
 * {@link Checkpoint} that says which sequences are done. Records are written once, sequentially,
 * with positional writes from a preallocated direct buffer; next() reads them back through another.
 *
 * <p>Recovery trusts the records, not the checkpoint. Each record carries its sequence and a CRC,
 * and the writer never overwrites an unconfirmed record, so in ring order starting just after the
 * record with the highest sequence, the live records appear with growing sequences. Recovery reads
 * the ring once to find that record, then walks one lap from there keeping every intact record
 * whose sequence is above the last one kept and at least the checkpoint's floor. The checkpoint
 * only shortens what is kept: a missing, stale or damaged one brings back confirmed records
 * (duplicates), never loses one. Stepping over a whole intact record is safe: a record written
 * later inside its bytes would have broken its CRC. Between records recovery steps 8 bytes at a
 * time, through what is left of partly overwritten ones; a payload there may hold the image of a
 * record, so every CRC covers the ring's secret salt ({@link RingHeader}) first.
 *
 * <p>Writes: a record's bytes; fsyncs of the ring as {@code queue.fsync} says; the checkpoint
 * rewritten (not forced) whenever the floor moved, at most once per {@link FileQueue#tick}, so a
 * killed process leaves it current; an fsync of the checkpoint at most once per
 * {@link FileQueue#CHECKPOINT_INTERVAL_MILLIS}. Nothing is forced by the overflow policy.
 *
 * <p>A file of the version before the header (records from offset 0, salt-less CRCs) goes on in
 * that layout, new records and checkpoint included, until its records are all done: then it starts
 * afresh in this layout ({@link #startAfreshIfDone}), sequences going on. Held in memory instead,
 * new records would be lost at every restart until the link had delivered the older ones.
 */
final class FileRing extends RingQueue {
    static final String RING_FILE = "queue.ring";
    static final String CHECKPOINT_FILE = "queue.checkpoint";
    /** Bytes read per step while scanning the ring at start-up, beyond the largest record. */
    private static final int SCAN_CHUNK = 64 * 1024;
    /**
     * The largest topic + payload recovered whatever today's record limit: the agent sizes that
     * limit from today's mapping file, and a reading stored under a longer topic must still go
     * out (the agent sizes the session for it, see {@link #largestRecoveredMessageBytes}). Real
     * readings are far smaller (a topic, a number); the bound keeps a damaged length field from
     * sizing the buffers. A larger record, if today's limit is smaller still, is skipped and counted.
     */
    static final int MAX_RECOVERED_MESSAGE_BYTES = 64 * 1024;

    private final StorageFile data;
    private final Checkpoint checkpoint;
    /** Records are built and checked in heap buffers, so the encoding code sees one buffer type (stable JIT profile). */
    private final ByteBuffer writeView;
    private final byte[] writeArray;
    /** Read buffers: made larger once at start-up if a recovered record needs it. */
    private ByteBuffer readView;
    private byte[] readArray;
    /** Direct buffers for the file, which would otherwise copy through a temporary one. */
    private final ByteBuffer writeBuffer;
    private ByteBuffer readBuffer;
    /** The largest stored length recovery reads and keeps (see {@link #MAX_RECOVERED_MESSAGE_BYTES}). */
    private final int recoverableStored;
    private final CRC32C crc = new CRC32C();
    /** The ring's secret mixed into every record CRC ({@link RingHeader}); {@code null} in a file of an older version. */
    private byte[] salt;
    /** File offset of ring position 0: the records lie after the header's first copy. */
    private long base;
    /** A file of the version before the header, still in its layout (salt-less CRCs, from offset 0). */
    private boolean older;
    private final RateLimitedWarning unreadable;
    private final Clock clock;
    /** Converts the wall deadlines on disk while recovering (see {@link ExpiryDeadlines}). */
    private long monotonicMinusWall;
    private boolean broken;
    /** Opened read-only: it stays so until restart, however the file system recovers. */
    private boolean readOnlyFile;
    private int unsyncedRecords;
    private long recordBytesWritten;
    private long fsyncs;
    private boolean checkpointUnforced;

    /** Recovery scan state: the window of ring bytes in memory and what the last lap found. */
    private ByteBuffer window;
    private int windowStart;
    private int windowEnd;
    private long lapHighest;
    private int lapHighestEnd;
    private long lapFirst;
    private long lapLast;
    private long lapGaps;
    private long lapRecords;
    /** Intact records kept by the last lap but too large to recover, the first and last of their sequences. */
    private long lapTooLarge;
    private long lapTooLargeFirst;
    private long lapTooLargeLast;
    /** The largest stored length the last lap kept. */
    private int lapLargest;
    /** The largest stored length among the records recovery kept. */
    private int recoveredLargestStored;
    /** The sequence of the record {@link #tooLargeAt} found. */
    private long tooLargeSequence;

    private FileRing(StorageFile data, Checkpoint checkpoint, int capacity, int maxMessages,
                     OverflowPolicy overflow, int maxRecordBytes, QueueCounters counters, Clock clock,
                     byte[] salt, long base) {
        super(capacity, maxMessages, overflow, maxRecordBytes, 1, counters, clock);
        this.clock = clock;
        this.data = data;
        this.checkpoint = checkpoint;
        this.salt = salt;
        this.base = base;
        int maxStored = RecordFormat.storedLength(0, Math.min(maxRecordBytes, capacity));
        this.writeBuffer = ByteBuffer.allocateDirect(maxStored);
        this.readBuffer = ByteBuffer.allocateDirect(maxStored);
        this.writeArray = new byte[maxStored];
        this.writeView = ByteBuffer.wrap(writeArray);
        this.readArray = new byte[maxStored];
        this.readView = ByteBuffer.wrap(readArray);
        this.recoverableStored = Math.max(maxStored, RecordFormat.storedLength(0,
                Math.min(MAX_RECOVERED_MESSAGE_BYTES, capacity)));
        this.unreadable = new RateLimitedWarning(log, "queue file: records skipped as unreadable",
                10_000_000_000L);
    }

    /**
     * Opens (creating and preallocating if needed) the ring in {@code directory} and recovers what
     * it holds. A ring that already exists keeps its size.
     *
     * @throws IOException if the files cannot be opened, or the file system cannot hold the ring
     *         (the message says how much was needed and how much is free)
     */
    static FileRing open(Path directory, int capacity, int maxMessages, OverflowPolicy overflow, int maxRecordBytes,
                         QueueCounters counters, StorageOpener opener, Clock clock) throws IOException {
        opener.createDirectories(directory);
        Path file = directory.resolve(RING_FILE);
        boolean created = !opener.exists(file);
        StorageFile data;
        String readOnly = null;
        try {
            data = opener.open(file);
        } catch (IOException e) {
            if (created) {
                throw e;
            }
            // Stored records are still worth delivering: read them, keep new ones in memory.
            data = opener.openReadOnly(file);
            readOnly = StorageErrors.describe(e);
        }
        StorageFile checkpointFile = null;
        try {
            int size = capacity;
            long existing = data.size();
            if (!created && existing < capacity && !opener.exists(directory.resolve(CHECKPOINT_FILE))
                    && !olderLayout(data, existing)) {
                // The checkpoint is created right after the ring is filled with zeros, so a short ring
                // without one is a first start killed while filling it (an older version's ring keeps
                // its size). Growing keeps what it holds in ring order: everything added lies after its
                // old end, which the writer never used.
                Log.logger("queue").warn("first start cut short: queue file grows from " + existing + " to " + capacity
                        + " bytes");
            } else if (!created && existing != capacity && usableCapacity(existing)) {
                size = (int) existing;
                Log.logger("queue").warn("queue file keeps " + size + " bytes; to resize, delete " + directory);
            }
            if (readOnly == null) {
                preallocate(data, directory, file, size);
            }
            byte[] salt = RingHeader.read(data, size);
            boolean older = salt == null && !RingHeader.blank(data, size) && olderRecords(data, size,
                    maxRecordBytes) > 0;
            if (salt == null && !older) {
                salt = newSalt(data, size, readOnly == null);
            }
            Checkpoint checkpoint = openCheckpoint(directory, opener, readOnly == null);
            checkpointFile = checkpoint.file();
            // The older version's layout: records from offset 0 to the end of the file, no salt.
            FileRing ring = new FileRing(data, checkpoint, older ? size : size - RingHeader.RESERVED_BYTES,
                    maxMessages, overflow, maxRecordBytes, counters, clock, salt, older ? 0 : RingHeader.COPY_BYTES);
            ring.older = older;
            ring.recover(created, readOnly);
            if (created) {
                opener.syncDirectory(directory);
            }
            return ring;
        } catch (IOException | RuntimeException e) {
            data.close();
            if (checkpointFile != null) {
                checkpointFile.close();
            }
            if (created) {
                opener.deleteCreated(file);
            }
            throw e;
        }
    }

    /** Whether a file of {@code size} bytes has neither header nor zeros where one goes: an older version's ring. */
    private static boolean olderLayout(StorageFile data, long size) throws IOException {
        return size >= RingHeader.RESERVED_BYTES && RingHeader.read(data, size) == null && !RingHeader.blank(data, size);
    }

    /** The salt for a file without an intact header and without records of an older version. */
    private static byte[] newSalt(StorageFile data, int size, boolean writable) throws IOException {
        if (!RingHeader.blank(data, size)) {
            Log.logger("queue").warn("queue file has no readable header and no readable record: started afresh");
        }
        // A blank file holds no record; read-only, it never gets one, so any salt does.
        return writable ? RingHeader.create(data, size) : new byte[RecordFormat.SALT_BYTES];
    }

    /** The intact records a ring file without a header holds, read as the previous version wrote them. */
    private static long olderRecords(StorageFile data, int size, int maxRecordBytes) throws IOException {
        FileRing older = new FileRing(data, null, size, 1, OverflowPolicy.DROP_OLDEST, maxRecordBytes,
                new QueueCounters(), Clock.SYSTEM, null, 0);
        older.window = ByteBuffer.allocate((int) Math.min(size, (long) older.recoverableStored + SCAN_CHUNK));
        older.lap(0, Long.MAX_VALUE, false);
        return older.lapRecords;
    }

    /**
     * The checkpoint, read from a read-only file if it cannot be written (and then never written),
     * or without a file if it cannot be opened at all (an unwritable directory without one): the
     * ring works without it, confirmed records just come back after a restart.
     */
    private static Checkpoint openCheckpoint(Path directory, StorageOpener opener, boolean writable)
            throws IOException {
        Path path = directory.resolve(CHECKPOINT_FILE);
        if (writable) {
            StorageFile file = null;
            try {
                file = opener.open(path);
                preallocate(file, directory, path, Checkpoint.FILE_BYTES);
                return new Checkpoint(file, true);
            } catch (IOException e) {
                if (file != null) {
                    file.close();
                }
                Log.logger("queue").warn("no queue checkpoint (" + StorageErrors.describe(e)
                        + "): restart resends confirmed messages");
            }
        }
        StorageFile file;
        try {
            file = opener.exists(path) ? opener.openReadOnly(path) : null;
        } catch (IOException e) {
            file = null;
        }
        return new Checkpoint(file, false);
    }

    private static void preallocate(StorageFile target, Path directory, Path file, long size) throws IOException {
        if (target.size() >= size) {
            return;
        }
        try {
            target.allocate(size);
        } catch (IOException e) {
            long free = usableSpace(directory);
            throw new IOException("cannot allocate " + size + " bytes for " + file + " (" + e.getMessage() + "; "
                    + (free < 0 ? "free space unknown" : free + " bytes free") + ")", e);
        }
    }

    /** Free bytes for this user in {@code directory}'s file system, or -1 if it cannot be told. */
    static long usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean usableCapacity(long size) {
        return size >= 1024 && size % RecordFormat.ALIGNMENT == 0 && size <= QueueSettings.MAX_CAPACITY_BYTES;
    }

    private void recover(boolean created, String readOnly) throws IOException {
        window = ByteBuffer.allocate((int) Math.min(capacity, (long) recoverableStored + SCAN_CHUNK));
        windowStart = 0;
        windowEnd = 0;
        monotonicMinusWall = clock.monotonicMillis() - clock.epochMillis();
        boolean known = checkpoint.valid() && checkpoint.capacity() == capacity;
        long floor = known ? Math.max(1, checkpoint.floor()) : 1;
        lap(0, Long.MAX_VALUE, false);
        int start = lapHighest > 0 ? lapHighestEnd : 0;
        // Each its own line: with the counts and sequences, the recovery line is full.
        String how = created || known ? null : checkpoint.valid() ? "queue checkpoint for another ring size ignored"
                : "queue checkpoint missing or damaged: every intact record kept";
        lap(start, floor - 1, true);
        window = null;
        recoveredLargestStored = lapLargest;
        if (lapLargest > readArray.length) {
            // Written under a larger record limit: still delivered, so read through buffers that hold it.
            readArray = new byte[lapLargest];
            readView = ByteBuffer.wrap(readArray);
            readBuffer = ByteBuffer.allocateDirect(lapLargest);
        }
        long next = Math.max(floor, lapHighest + 1);
        if (lapFirst == 0) {
            startAt(start, next);
        } else if (next > nextSequence()) {
            skipTo(next); // the records after the last one kept were too large to keep
        }
        counters.corruptSkipped += lapGaps;
        if (lapGaps > 0) {
            log.warn("recovery skipped " + lapGaps + " damaged records");
        }
        counters.rejectedTooLarge += lapTooLarge;
        if (lapTooLarge > 0) {
            log.warn(tooLargeLine(lapTooLarge, recoverableStored - RecordFormat.HEADER_BYTES, lapTooLargeFirst,
                    lapTooLargeLast));
        }
        long firstFound = lapTooLarge > 0 && (lapFirst == 0 || lapTooLargeFirst < lapFirst) ? lapTooLargeFirst : lapFirst;
        if (known && firstFound > floor) {
            // Below the first record found nothing tells a damaged record from one confirmed or
            // dropped after the checkpoint was last written, so the line says both.
            log.warn(missingLine(floor, firstFound - 1));
        }
        log.info(recoveredLine(counters.queuedMessages, lapFirst, lapLast, nextSequence()));
        if (how != null) {
            log.info(how);
        }
        if (older) {
            log.info("queue file of an older version: kept in its layout until all done");
        }
        if (readOnly != null) {
            broken = true;
            readOnlyFile = true;
            // The line of the memory queue taking over says how many stored ones still go out.
            log.error("queue file cannot be written (" + readOnly + "); new messages in memory");
            return;
        }
        try {
            // What recovery found may still be only in the page cache of a process that was killed.
            data.force();
            fsyncs++;
            writeCheckpoint();
            forceCheckpoint(true);
        } catch (IOException e) {
            fail("checkpoint write", e);
        }
        startAfreshIfDone();
    }

    /**
     * One lap of the ring from {@code start}: finds the highest sequence and, if {@code keep},
     * remembers every intact record whose sequence is above {@code after} and above the last one
     * kept, counting the sequences missing between kept records.
     */
    private void lap(int start, long after, boolean keep) throws IOException {
        lapHighest = 0;
        lapFirst = 0;
        lapLast = 0;
        lapGaps = 0;
        lapRecords = 0;
        lapTooLarge = 0;
        lapLargest = 0;
        long kept = after;
        int at = start;
        for (long advanced = 0; advanced < capacity; ) {
            // A record may not run past the ring's end or past one lap; one larger than recovery
            // reads is checked by its CRC alone, then counted, not kept.
            int span = (int) Math.min(capacity - at, capacity - advanced);
            int stored = intactAt(at, Math.min(span, recoverableStored));
            boolean tooLarge = stored == 0 && (stored = tooLargeAt(at, span)) > 0;
            int step = RecordFormat.ALIGNMENT;
            if (stored > 0) {
                long sequence = tooLarge ? tooLargeSequence : RecordFormat.sequence(window, at - windowStart);
                lapRecords++;
                if (sequence > lapHighest) {
                    lapHighest = sequence;
                    lapHighestEnd = at + stored == capacity ? 0 : at + stored;
                }
                if (keep && sequence > kept) {
                    if (kept > after) {
                        lapGaps += sequence - kept - 1;
                    }
                    kept = sequence;
                    if (tooLarge) {
                        lapTooLargeFirst = lapTooLarge++ == 0 ? sequence : lapTooLargeFirst;
                        lapTooLargeLast = sequence;
                    } else {
                        if (lapFirst == 0) {
                            lapFirst = sequence;
                        }
                        // A capture time of an earlier run means nothing now: the stamp stays as written.
                        remember(sequence, at, stored, ExpiryDeadlines.toMonotonic(RecordFormat.expiresAtMillis(window,
                                at - windowStart), monotonicMinusWall), NO_STAMP, 0);
                        lapLast = sequence;
                        lapLargest = Math.max(lapLargest, stored);
                    }
                }
                step = stored;
            }
            at = at + step == capacity ? 0 : at + step;
            advanced += step;
        }
    }

    /**
     * The stored length of an intact record at ring position {@code at}, or 0. A sequence so high
     * that the sequences after it could overflow was never written (a ring never holds more
     * records than bytes): it is damage, and trusting it would make new sequences negative.
     */
    private int intactAt(int at, int room) throws IOException {
        if (room < RecordFormat.HEADER_BYTES) {
            return 0;
        }
        if (at < windowStart || at + room > windowEnd) {
            fillWindow(at);
        }
        int stored = RecordFormat.intactLength(window, at - windowStart, 0, room, crc, salt);
        return stored > 0 && RecordFormat.sequence(window, at - windowStart) >= Long.MAX_VALUE - capacity ? 0 : stored;
    }

    /**
     * The stored length of an intact record at {@code at}, within {@code span} bytes, larger than
     * recovery keeps (its sequence in {@link #tooLargeSequence}), or 0. Its CRC is computed
     * through the window a chunk at a time, so the window is read afresh afterwards.
     */
    private int tooLargeAt(int at, int span) throws IOException {
        if (span <= recoverableStored) {
            return 0;
        }
        if (at < windowStart || at + RecordFormat.HEADER_BYTES > windowEnd) {
            fillWindow(at);
        }
        int length = RecordFormat.headerLength(window, at - windowStart);
        long sequence = RecordFormat.sequence(window, at - windowStart);
        if (length == 0 || RecordFormat.align(length) <= recoverableStored || RecordFormat.align(length) > span
                || sequence <= 0 || sequence >= Long.MAX_VALUE - capacity) {
            return 0;
        }
        int expected = RecordFormat.storedCrc(window, at - windowStart);
        crc.reset();
        if (salt != null) {
            crc.update(salt, 0, RecordFormat.SALT_BYTES);
        }
        long from = base + at + RecordFormat.CRC_FROM;
        long end = base + at + length;
        windowStart = 0;
        windowEnd = 0;
        while (from < end) {
            window.clear().limit((int) Math.min(window.capacity(), end - from));
            int read = data.read(window, from);
            if (read <= 0) {
                return 0;
            }
            window.flip();
            crc.update(window);
            from += read;
        }
        window.clear();
        tooLargeSequence = sequence;
        return (int) crc.getValue() == expected ? RecordFormat.align(length) : 0;
    }

    private void fillWindow(int from) throws IOException {
        int length = Math.min(window.capacity(), capacity - from);
        Arrays.fill(window.array(), 0, window.capacity(), (byte) 0);
        window.clear().limit(length);
        long at = base + from;
        int read;
        while (window.hasRemaining() && (read = data.read(window, at)) > 0) {
            at += read;
        }
        window.clear();
        windowStart = from;
        windowEnd = from + length;
    }

    boolean broken() {
        return broken;
    }

    @Override
    public int largestRecoveredMessageBytes() {
        return Math.max(0, recoveredLargestStored - RecordFormat.HEADER_BYTES);
    }

    int unsyncedRecords() {
        return unsyncedRecords;
    }

    /** Bytes handed to the file system so far: records plus checkpoint slots (32 bytes each). */
    long bytesWritten() {
        return recordBytesWritten + 32 * checkpoint.writes();
    }

    /** fsyncs of the ring and of the checkpoint so far, recovery's included. */
    long fsyncs() {
        return fsyncs;
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
            RecordFormat.encode(writeView, 0, sequence, topic, topicOffset, topicLength, payload, payloadOffset,
                    payloadLength, qos, retain, timestampMillis, ExpiryDeadlines.toWall(clock, expiresAtMillis));
            RecordFormat.seal(writeView, 0, crc, salt);
            writeBuffer.put(0, writeArray, 0, storedLength);
            writeBuffer.limit(storedLength).position(0);
            long at = base + position;
            while (writeBuffer.hasRemaining()) {
                at += data.write(writeBuffer, at);
            }
            writeBuffer.clear();
            unsyncedRecords++;
            recordBytesWritten += storedLength;
            return true;
        } catch (IOException e) {
            writeBuffer.clear();
            fail("record write", e);
            return false;
        }
    }

    @Override
    protected boolean load(int position, int storedLength, long sequence, QueuedRecord into) {
        try {
            readBuffer.limit(storedLength).position(0);
            long at = base + position;
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
            if (!complete || RecordFormat.intactLength(readView, 0, sequence - 1, storedLength, crc, salt) != storedLength
                    || RecordFormat.sequence(readView, 0) != sequence) {
                counters.corruptSkipped++;
                unreadable.occurred(nowNanos);
                return false;
            }
            RecordFormat.decode(readView, 0, readArray, 0, into);
            return true;
        } catch (IOException e) {
            readBuffer.clear();
            counters.storageErrors++;
            unreadable.occurred(nowNanos);
            return false;
        }
    }

    /** fsync of the records appended since the last one. */
    void forceData() {
        if (broken || unsyncedRecords == 0) {
            return;
        }
        try {
            data.force();
            fsyncs++;
            unsyncedRecords = 0;
        } catch (IOException e) {
            fail("file fsync", e);
        }
    }

    /**
     * Writes (without forcing) the checkpoint if the floor moved: one page in the page cache, and
     * it survives the process being killed, so a crash loop resends only what was unconfirmed at
     * the kill.
     */
    void checkpointIfMoved() {
        if (broken || oldestSequence() == checkpoint.floor()) {
            return;
        }
        try {
            writeCheckpoint();
        } catch (IOException e) {
            fail("checkpoint write", e);
        }
    }

    /** fsync of the checkpoint if it was written since the last one and {@code durable} is wanted. */
    void forceCheckpoint(boolean durable) {
        if (broken || !durable || !checkpointUnforced) {
            return;
        }
        try {
            checkpoint.force();
            fsyncs++;
            checkpointUnforced = false;
        } catch (IOException e) {
            fail("checkpoint fsync", e);
        }
    }

    private void writeCheckpoint() throws IOException {
        checkpoint.write(oldestSequence(), capacity);
        checkpointUnforced = true;
    }

    private void fail(String operation, IOException e) {
        counters.storageErrors++;
        if (!broken) {
            broken = true;
            // The line of the memory queue taking over says the stored ones still go out.
            log.error("queue " + operation + " failed (" + StorageErrors.describe(e) + "); new messages in memory");
        }
    }

    /**
     * After a failure: whether the file takes writes again (a checkpoint written and forced). If
     * so the ring is in use again, continuing at {@code sequence}.
     */
    boolean tryResume(long sequence) {
        if (!broken || readOnlyFile) {
            return !broken;
        }
        try {
            if (older && isEmpty()) {
                startAfresh(); // a failed attempt may have left the new header on disk
            }
            writeCheckpoint();
            checkpoint.force();
            data.force();
            fsyncs += 2;
            skipTo(sequence);
            checkpointUnforced = false;
            broken = false;
            unsyncedRecords = 0;
            log.info("queue file works again: new messages stored in it from sequence " + sequence);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Once every record of an older version's file is done: the header with a new salt, made
     * durable before the checkpoint names the new layout, and the ring behind it. A power cut
     * before the header is durable finds the older file again; its records are only duplicates.
     */
    void startAfreshIfDone() {
        if (older && !broken && isEmpty()) {
            try {
                startAfresh();
                writeCheckpoint();
                forceCheckpoint(true);
            } catch (IOException e) {
                fail("fresh start of the older file", e);
            }
        }
    }

    /** Fields change only once the header is durable; after a failure the header may be on disk, so only this is retried. */
    private void startAfresh() throws IOException {
        long size = capacity; // the older layout spans the whole file
        byte[] newSalt = RingHeader.create(data, size);
        data.force();
        fsyncs++;
        salt = newSalt;
        base = RingHeader.COPY_BYTES;
        relayout((int) size - RingHeader.RESERVED_BYTES);
        older = false;
        unsyncedRecords = 0;
        log.info("queue file: older version done; started afresh at sequence " + nextSequence());
    }

    /** {@code "recovery skipped 2 messages over 65536 bytes (7 to 9)"}: the sequences of the first and last. */
    static String tooLargeLine(long count, int maxBytes, long first, long last) {
        return "recovery skipped " + count + " messages over " + maxBytes + " bytes (" + first + " to " + last + ")";
    }

    static String missingLine(long first, long last) {
        return "sequences " + first + " to " + last + " missing: damaged, or done since checkpoint";
    }

    /** With {@code first} 0 (nothing recovered) the line names the next sequence instead. */
    static String recoveredLine(long count, long first, long last, long next) {
        return "queue file: " + count + " messages recovered"
                + (first == 0 ? ", next sequence " + next : " (" + first + " to " + last + ")");
    }

    /** Whether the file is still in the layout of an older version. */
    boolean older() {
        return older;
    }

    @Override
    public void sync() {
        forceData();
        checkpointIfMoved();
        forceCheckpoint(true);
    }

    @Override
    public void tick(long nowMillis) {
        // The owning FileQueue applies the fsync policy and passes the time on.
        observeTime(nowMillis);
        unreadable.flush(nowNanos);
    }

    @Override
    public void close() {
        if (!broken) {
            sync();
        }
        try {
            data.close();
            checkpoint.close();
        } catch (IOException e) {
            log.warn("queue file: close failed (" + e.getMessage() + ")");
        }
    }
}
