package dev.sensorpub.queue;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.time.Clock;
import dev.sensorpub.time.Timestamps;

/**
 * The queue logic both backends share: a ring of variable-length records in a byte space of
 * fixed capacity, plus an index ring (parallel primitive arrays, one slot per stored record) that
 * holds order, confirmation and expiry. Subclasses only move record bytes to and from storage.
 *
 * <p>Records are contiguous: one that does not fit before the end of the space starts again at 0
 * and the gap is skipped. The live bytes run from the oldest stored record to {@code tail}. The
 * oldest record is never confirmed or dropped (the head advances over those at once), so
 * drop-oldest always drops a message that still counts.
 *
 * <p>Stamps: the index (memory only, never on disk) keeps, for each record appended by this
 * process, its monotonic capture time and where its payload holds the stamp. {@link #next}
 * rewrites that stamp in the handed-out bytes whenever the wall clock, asked now, puts the capture
 * elsewhere (NTP stepped it while the record waited); otherwise it writes the stamp as taken, so a
 * stamp corrected once in the memory arena goes back if the clock steps back. Records recovered
 * from a file have no capture time in this process and keep their stamp.
 */
abstract class RingQueue implements MessageQueue {
    private static final byte PENDING = 0;
    /** Confirmed, expired, dropped or corrupt: its space is free once every older record is too. */
    private static final byte DONE = 1;
    private static final long OVERFLOW_REPORT_NANOS = 10_000_000_000L;

    protected final Logger log = Log.logger("queue");
    /** Fixed, but for one {@link #relayout} of an empty file ring of an older version. */
    protected int capacity;
    private final int maxRecordBytes;
    protected final QueueCounters counters;
    private final OverflowPolicy overflow;
    private RateLimitedWarning overflowWarning;
    private RateLimitedWarning tooLargeWarning;

    private final long[] sequences;
    private final long[] expiries;
    private final int[] positions;
    private final int[] lengths;
    private final byte[] states;
    /** Monotonic capture time of each record appended in this run (ignored with NO_STAMP). */
    private final long[] captures;
    /** Where each record's payload holds its stamp, or NO_STAMP (recovered records too). */
    private final int[] stampAts;
    private final Clock clock;
    private int head;
    private int count;
    /** Index (counted from head) of the next record next() examines. */
    private int cursor;
    private int tail;
    private long nextSequence;
    /** Monotonic time of the last {@link #observeTime}: when the rate-limited warnings count their events. */
    protected long nowNanos;

    RingQueue(int capacity, int maxMessages, OverflowPolicy overflow, int maxRecordBytes, long firstSequence,
              QueueCounters counters, Clock clock) {
        if (capacity < RecordFormat.HEADER_BYTES || capacity % RecordFormat.ALIGNMENT != 0) {
            throw new IllegalArgumentException("queue capacity " + capacity + " must be a multiple of "
                    + RecordFormat.ALIGNMENT + " and at least " + RecordFormat.HEADER_BYTES + " bytes");
        }
        if (maxMessages < 1) {
            throw new IllegalArgumentException("queue max-messages " + maxMessages + " must be at least 1");
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("queue max record bytes " + maxRecordBytes + " must be at least 1");
        }
        if (firstSequence < 1) {
            throw new IllegalArgumentException("first sequence " + firstSequence + " must be at least 1");
        }
        this.capacity = capacity;
        this.maxRecordBytes = maxRecordBytes;
        this.overflow = overflow;
        this.counters = counters;
        this.nextSequence = firstSequence;
        this.sequences = new long[maxMessages];
        this.expiries = new long[maxMessages];
        this.positions = new int[maxMessages];
        this.lengths = new int[maxMessages];
        this.states = new byte[maxMessages];
        this.captures = new long[maxMessages];
        this.stampAts = new int[maxMessages];
        this.clock = clock;
        warnings();
    }

    /** The warnings name the capacity, so they are made again when it changes. */
    private void warnings() {
        this.overflowWarning = new RateLimitedWarning(log, overflowEvent(capacity, sequences.length, overflow),
                OVERFLOW_REPORT_NANOS);
        this.tooLargeWarning = new RateLimitedWarning(log, tooLargeEvent(Math.min(maxRecordBytes,
                capacity - RecordFormat.HEADER_BYTES)), OVERFLOW_REPORT_NANOS);
    }

    static String overflowEvent(long capacityBytes, int maxMessages, OverflowPolicy overflow) {
        return "queue full (" + capacityBytes + " B, " + maxMessages + " msgs), dropped "
                + (overflow == OverflowPolicy.DROP_OLDEST ? "oldest" : "newest");
    }

    static String tooLargeEvent(int maxBytes) {
        return "messages over " + maxBytes + " topic+payload bytes rejected";
    }

    /**
     * Gives an empty ring a byte space of {@code newCapacity} bytes, written from position 0: a
     * file ring of an older version, once all its records are delivered, starts afresh in the new
     * layout. Sequences go on.
     */
    final void relayout(int newCapacity) {
        if (count != 0) {
            throw new IllegalStateException("relayout of a ring still holding " + count + " records");
        }
        capacity = newCapacity;
        tail = 0;
        warnings();
    }

    /** Copies the encoded record to storage at {@code position}; false if storage failed (it counts and logs). */
    protected abstract boolean store(int regionStart, int position, int storedLength, long sequence,
                                     byte[] topic, int topicOffset, int topicLength,
                                     byte[] payload, int payloadOffset, int payloadLength,
                                     int qos, boolean retain, long timestampMillis, long expiresAtMillis);

    /** Points {@code into} at the stored record; false if it cannot be read back intact (it counts and logs). */
    protected abstract boolean load(int position, int storedLength, long sequence, QueuedRecord into);

    @Override
    public final long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                             int payloadLength, int qos, boolean retain, long timestampMillis, int stampAt,
                             long capturedAtMillis, long expiresAtMillis) {
        checkArguments(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, qos, stampAt);
        if ((long) topicLength + payloadLength > maxRecordBytes
                || RecordFormat.storedLength(topicLength, payloadLength) > capacity) {
            counters.rejectedTooLarge++;
            tooLargeWarning.occurred(nowNanos);
            return -1;
        }
        int stored = RecordFormat.storedLength(topicLength, payloadLength);
        int position;
        while ((position = placeFor(stored)) < 0 || count == sequences.length) {
            counters.droppedOverflow++;
            overflowWarning.occurred(nowNanos);
            if (overflow == OverflowPolicy.DROP_NEWEST) {
                return -1;
            }
            finish(head);
        }
        long sequence = nextSequence;
        if (!store(tail, position, stored, sequence, topic, topicOffset, topicLength, payload, payloadOffset,
                payloadLength, qos, retain, timestampMillis, expiresAtMillis)) {
            return -1;
        }
        counters.appended++;
        remember(sequence, position, stored, expiresAtMillis, stampAt, capturedAtMillis);
        return sequence;
    }

    /** Adds an index entry for a record already in storage (recovery: NO_STAMP) or just stored. */
    final void remember(long sequence, int position, int stored, long expiresAtMillis, int stampAt,
                        long capturedAtMillis) {
        if (count == sequences.length) {
            counters.droppedOverflow++;
            finish(head);
        }
        int slot = slot(count);
        sequences[slot] = sequence;
        expiries[slot] = expiresAtMillis;
        positions[slot] = position;
        lengths[slot] = stored;
        states[slot] = PENDING;
        stampAts[slot] = stampAt;
        captures[slot] = capturedAtMillis;
        count++;
        tail = position + stored == capacity ? 0 : position + stored;
        nextSequence = sequence + 1;
        counters.queuedMessages++;
        counters.queuedBytes += stored;
    }

    @Override
    public final boolean next(QueuedRecord into, long nowMillis) {
        while (cursor < count) {
            int slot = slot(cursor);
            cursor++;
            if (states[slot] != PENDING) {
                continue;
            }
            if (expiries[slot] != 0 && nowMillis >= expiries[slot]) {
                counters.droppedExpired++;
                finish(slot);
            } else if (load(positions[slot], lengths[slot], sequences[slot], into)) {
                into.expiresAt(expiries[slot]);
                restamp(slot, into);
                counters.sent++;
                return true;
            } else {
                finish(slot);
            }
        }
        return false;
    }

    /** Writes the stamp of a record of this run as the wall clock now tells its capture time (see class doc). */
    private void restamp(int slot, QueuedRecord into) {
        int at = stampAts[slot];
        if (at == NO_STAMP) {
            return;
        }
        long captured = clock.epochMillis() - (clock.monotonicMillis() - captures[slot]);
        long stamp = Math.abs(captured - into.timestampMillis()) > STAMP_TOLERANCE_MILLIS ? captured
                : into.timestampMillis();
        Timestamps.write(stamp, into.buffer(), into.payloadOffset() + at);
        into.timestamp(stamp);
    }

    @Override
    public final long peekSequence(long nowMillis) {
        while (cursor < count) {
            int slot = slot(cursor);
            if (states[slot] == PENDING && (expiries[slot] == 0 || nowMillis < expiries[slot])) {
                return sequences[slot];
            }
            cursor++;
            if (states[slot] == PENDING) {
                counters.droppedExpired++;
                finish(slot);
            }
        }
        return -1;
    }

    @Override
    public final void confirm(long sequence) {
        int index = indexOf(sequence);
        if (index >= 0 && states[slot(index)] == PENDING) {
            counters.confirmed++;
            finish(slot(index));
        }
    }

    @Override
    public final void rewind() {
        cursor = 0;
    }

    @Override
    public final long oldestSequence() {
        return count == 0 ? nextSequence : sequences[head];
    }

    @Override
    public final long nextSequence() {
        return nextSequence;
    }

    @Override
    public final QueueCounters counters() {
        return counters;
    }

    final boolean isEmpty() {
        return count == 0;
    }

    /** Storage position of the oldest stored record, or where the next one goes if empty. */
    final int oldestPosition() {
        return count == 0 ? tail : positions[head];
    }

    /**
     * The loop's monotonic time ({@link MessageQueue#tick}): dates the warnings' events and ends
     * their intervals, so a burst of drops is reported with its exact count even when it stops.
     */
    final void observeTime(long nowMillis) {
        nowNanos = nowMillis * 1_000_000L;
        overflowWarning.flush(nowNanos);
        tooLargeWarning.flush(nowNanos);
    }

    /** Storage position where the next record goes if it fits before the end. */
    final int tailPosition() {
        return tail;
    }

    /** Records stored and not yet confirmed, dropped or expired (a scan: for reports, not the hot path). */
    final long pendingCount() {
        long pending = 0;
        for (int i = 0; i < count; i++) {
            if (states[slot(i)] == PENDING) {
                pending++;
            }
        }
        return pending;
    }

    /** Continues the sequence at {@code sequence} (not below the current one): the numbers between were used elsewhere. */
    final void skipTo(long sequence) {
        if (sequence < nextSequence) {
            throw new IllegalArgumentException("sequence " + sequence + " is below the next one, " + nextSequence);
        }
        nextSequence = sequence;
    }

    /** Sets where an empty ring writes next and which sequence it hands out next (recovery). */
    final void startAt(int position, long sequence) {
        if (count != 0) {
            throw new IllegalStateException("startAt on a non-empty queue");
        }
        tail = position;
        nextSequence = sequence;
    }

    private void finish(int slot) {
        states[slot] = DONE;
        counters.queuedMessages--;
        counters.queuedBytes -= lengths[slot];
        while (count > 0 && states[head] == DONE) {
            head = head + 1 == states.length ? 0 : head + 1;
            count--;
            if (cursor > 0) {
                cursor--;
            }
        }
    }

    /** Where a record of {@code stored} bytes goes without overwriting live bytes, or -1. */
    private int placeFor(int stored) {
        if (count == 0) {
            return stored <= capacity - tail ? tail : 0;
        }
        int oldest = positions[head];
        if (oldest < tail) {
            if (stored <= capacity - tail) {
                return tail;
            }
            return stored <= oldest ? 0 : -1;
        }
        return stored <= oldest - tail ? tail : -1;
    }

    /** Index (counted from head) of the record with this sequence, or -1. O(1) unless recovery left gaps. */
    private int indexOf(long sequence) {
        if (count == 0 || sequence < sequences[head]) {
            return -1;
        }
        long guess = sequence - sequences[head];
        if (guess < count && sequences[slot((int) guess)] == sequence) {
            return (int) guess;
        }
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long found = sequences[slot(middle)];
            if (found < sequence) {
                low = middle + 1;
            } else if (found > sequence) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -1;
    }

    private int slot(int index) {
        int slot = head + index;
        return slot >= states.length ? slot - states.length : slot;
    }

    private static void checkArguments(byte[] topic, int topicOffset, int topicLength, byte[] payload,
                                       int payloadOffset, int payloadLength, int qos, int stampAt) {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos + " is not 0, 1 or 2");
        }
        if (topicLength < 0 || topicLength > RecordFormat.MAX_TOPIC_BYTES
                || topicOffset < 0 || topicOffset > topic.length - topicLength) {
            throw new IllegalArgumentException("topic range offset " + topicOffset + " length " + topicLength
                    + " is outside the " + topic.length + "-byte array or longer than 65535");
        }
        if (payloadLength < 0 || payloadOffset < 0 || payloadOffset > payload.length - payloadLength) {
            throw new IllegalArgumentException("payload range offset " + payloadOffset + " length " + payloadLength
                    + " is outside the " + payload.length + "-byte array");
        }
        if (stampAt != NO_STAMP && (stampAt < 0 || stampAt > payloadLength - Timestamps.LENGTH)) {
            throw new IllegalArgumentException("stamp at " + stampAt + " is not " + NO_STAMP + " and its "
                    + Timestamps.LENGTH + " bytes are not inside the " + payloadLength + "-byte payload");
        }
    }
}
