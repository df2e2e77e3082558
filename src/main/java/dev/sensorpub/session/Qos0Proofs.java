package dev.sensorpub.session;

/**
 * QoS 0 messages written to the socket but not yet proven to have reached the broker. TCP
 * delivers in order, so when the broker answers a packet we wrote later (a PUBACK, PUBREC or
 * PINGRESP), everything written before that packet has arrived. Each answer-bearing packet
 * carries the {@link #writtenCount()} at the time it was written; its answer proves that many.
 *
 * <p>A fixed ring of sequences. When it fills up the session must ask for a proof (a PINGREQ)
 * and wait for it before writing more QoS 0 messages, so the ring bounds what an unnoticed
 * dead link can swallow before we stop and look.
 */
final class Qos0Proofs {
    private final long[] ring;
    private long written;
    private long proven;

    Qos0Proofs(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("QoS 0 proof ring needs at least 1 entry");
        }
        ring = new long[capacity];
    }

    boolean isFull() {
        return written - proven == ring.length;
    }

    boolean isEmpty() {
        return written == proven;
    }

    int unproven() {
        return (int) (written - proven);
    }

    int capacity() {
        return ring.length;
    }

    /** Counts every QoS 0 message ever written on this link; the mark an answer-bearing packet carries. */
    long writtenCount() {
        return written;
    }

    void written(long sequence) {
        if (isFull()) {
            throw new IllegalStateException("QoS 0 proof ring of " + ring.length + " is full");
        }
        ring[(int) (written % ring.length)] = sequence;
        written++;
    }

    /** True while there is a proven sequence to take with {@link #takeProven}. */
    boolean hasProvenUpTo(long mark) {
        return proven < mark && proven < written;
    }

    long takeProven() {
        long sequence = ring[(int) (proven % ring.length)];
        proven++;
        return sequence;
    }

    /** The link is gone: whatever was not proven will be sent again from the queue. */
    void clear() {
        written = 0;
        proven = 0;
    }
}
