package dev.sensorpub.queue;

/**
 * Reused flyweight describing one stored record; valid until the next call on the queue that
 * produced it. The topic and payload are never copied out: they are ranges of {@link #buffer()}.
 */
public final class QueuedRecord {
    private long sequence;
    private byte[] buffer;
    private int topicOffset;
    private int topicLength;
    private int payloadOffset;
    private int payloadLength;
    private int qos;
    private boolean retain;
    private long timestampMillis;
    private long expiresAtMillis;

    public long sequence() {
        return sequence;
    }

    public byte[] buffer() {
        return buffer;
    }

    /** Start of the topic's UTF-8 bytes inside {@link #buffer()}. */
    public int topicOffset() {
        return topicOffset;
    }

    public int topicLength() {
        return topicLength;
    }

    /** Start of the payload bytes inside {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    /** When the reading was taken (epoch ms), as the payload's stamp says it (see {@link MessageQueue#append}). */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** When the reading stops being worth sending (monotonic ms, see {@link ExpiryDeadlines}); 0 = never. */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** The file holds the deadline as wall time; the queue hands out its monotonic one. */
    void expiresAt(long monotonicDeadline) {
        this.expiresAtMillis = monotonicDeadline;
    }

    /** The stamp a step of the wall clock corrected. */
    void timestamp(long epochMillis) {
        this.timestampMillis = epochMillis;
    }

    void point(long sequence, byte[] buffer, int topicOffset, int topicLength, int payloadLength,
               int qos, boolean retain, long timestampMillis, long expiresAtMillis) {
        this.sequence = sequence;
        this.buffer = buffer;
        this.topicOffset = topicOffset;
        this.topicLength = topicLength;
        this.payloadOffset = topicOffset + topicLength;
        this.payloadLength = payloadLength;
        this.qos = qos;
        this.retain = retain;
        this.timestampMillis = timestampMillis;
        this.expiresAtMillis = expiresAtMillis;
    }
}
