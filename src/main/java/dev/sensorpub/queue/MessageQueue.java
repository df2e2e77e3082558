package dev.sensorpub.queue;

/**
 * Store-and-forward of outgoing messages. Every reading goes through it, online or offline: the
 * session borrows records with {@link #next} and a record leaves only when {@link #confirm}ed,
 * dropped by the overflow policy, or expired. Single-threaded: only the loop thread calls it.
 */
public interface MessageQueue extends AutoCloseable {
    /** {@code stampAt} of a payload that holds no stamp to keep right. */
    int NO_STAMP = -1;
    /**
     * How far the stamp of a queued reading may be from its capture time, as the wall clock tells
     * it at send time, before it is rewritten: far above the jitter of reading two clocks, far
     * below any step NTP makes.
     */
    long STAMP_TOLERANCE_MILLIS = 100;

    /** {@link #append(byte[], int, int, byte[], int, int, int, boolean, long, int, long, long)} with no stamp in the payload. */
    default long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                        int payloadLength, int qos, boolean retain, long timestampMillis, long expiresAtMillis) {
        return append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, qos, retain,
                timestampMillis, NO_STAMP, 0, expiresAtMillis);
    }

    /**
     * Stores a message; returns its sequence number (greater than 0, strictly increasing, and for
     * the file backend continuing across restarts), or -1 if it was rejected (drop-newest
     * overflow, or larger than the queue can ever hold). Applies the overflow policy. Never
     * blocks, never throws for full storage.
     *
     * @param timestampMillis  the wall-clock time of capture
     * @param stampAt          where the payload holds {@code timestampMillis} as a
     *                         {@link dev.sensorpub.time.Timestamps} stamp, counted from the payload's
     *                         first byte, or {@link #NO_STAMP}
     * @param capturedAtMillis the monotonic time of capture (ignored with {@link #NO_STAMP}). While
     *                         this process runs, {@link #next} hands the stamp out as the wall clock
     *                         now tells the capture time (wall now minus the monotonic time since
     *                         capture) whenever that is more than {@link #STAMP_TOLERANCE_MILLIS}
     *                         away from {@code timestampMillis}: the wall clock was stepped since.
     *                         Records recovered from an earlier run keep their stamp.
     * @param expiresAtMillis  a monotonic deadline ({@link ExpiryDeadlines#after}), or 0 for never
     *
     * @throws IllegalArgumentException for arguments no caller should pass (qos outside 0..2,
     *         negative lengths, ranges outside the arrays, a stamp outside the payload)
     */
    long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                int payloadLength, int qos, boolean retain, long timestampMillis, int stampAt,
                long capturedAtMillis, long expiresAtMillis);

    /**
     * Copies nothing: points {@code into} at the next record not yet handed out since the last
     * {@link #rewind()}, with its stamp rewritten in place if the wall clock was stepped since
     * capture (see {@link #append}). Records expired at {@code nowMillis} (monotonic, like the deadlines) are
     * dropped (counted) instead of returned. Returns false if there is none.
     */
    boolean next(QueuedRecord into, long nowMillis);

    /**
     * The sequence {@link #next} would hand out now, without handing it out, or -1 if none.
     * Expired records before it are dropped (counted) just as {@code next} would drop them. The
     * session uses it to decide whether a record needs a new in-flight slot before taking it,
     * because a record taken cannot be put back.
     */
    long peekSequence(long nowMillis);

    /**
     * Delivery confirmed; the record's space may be reused once every older record is confirmed
     * too. Confirmation may come out of order; unknown or already-dropped sequences are ignored.
     */
    void confirm(long sequence);

    /** The link was lost: the next {@link #next} starts again at the oldest unconfirmed record. */
    void rewind();

    /**
     * Sequence of the oldest record still stored, or {@link #nextSequence()} if empty, so the
     * session can forget in-flight entries whose record was dropped by drop-oldest.
     */
    long oldestSequence();

    /** The sequence the next successful {@link #append} will return. */
    long nextSequence();

    QueueCounters counters();

    /**
     * At least the topic + payload of the largest message recovered from storage at start-up: a
     * file written under an older configuration may hold messages above today's record limit, and
     * whoever sends them must be able to carry them. 0 if nothing was recovered.
     */
    default int largestRecoveredMessageBytes() {
        return 0;
    }

    /** Makes everything appended so far durable now (file: write + fsync; memory: nothing). */
    void sync();

    /** Called by the loop regularly; the file backend applies its time-based fsync policy here. */
    void tick(long nowMillis);

    @Override
    void close();
}
