package dev.sensorpub.queue;

/**
 * Store-and-forward of outgoing messages. Every reading goes through it, online or offline: the
 * session borrows records with {@link #next} and a record leaves only when {@link #confirm}ed,
 * dropped by the overflow policy, or expired. Single-threaded: only the loop thread calls it.
 */
public interface MessageQueue extends AutoCloseable {
    /**
     * Stores a message; returns its sequence number (greater than 0, strictly increasing, and for
     * the file backend continuing across restarts), or -1 if it was rejected (drop-newest
     * overflow, or larger than the queue can ever hold). Applies the overflow policy. Never
     * blocks, never throws for full storage.
     *
     * @param timestampMillis the wall-clock stamp, kept as it is
     * @param expiresAtMillis a monotonic deadline ({@link ExpiryDeadlines#after}), or 0 for never
     *
     * @throws IllegalArgumentException for arguments no caller should pass (qos outside 0..2,
     *         negative lengths, ranges outside the arrays)
     */
    long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                int payloadLength, int qos, boolean retain, long timestampMillis, long expiresAtMillis);

    /**
     * Copies nothing: points {@code into} at the next record not yet handed out since the last
     * {@link #rewind()}. Records expired at {@code nowMillis} (monotonic, like the deadlines) are
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

    /** Makes everything appended so far durable now (file: write + fsync; memory: nothing). */
    void sync();

    /** Called by the loop regularly; the file backend applies its time-based fsync policy here. */
    void tick(long nowMillis);

    @Override
    void close();
}
