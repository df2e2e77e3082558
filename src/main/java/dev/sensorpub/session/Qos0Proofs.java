package dev.sensorpub.session;

/**
 * QoS 0 messages written to the socket but not yet proven to have reached the broker. TCP
 * delivers in order, so when the broker answers a packet we wrote later (a PUBACK, PUBREC or
 * PINGRESP), everything written before that packet has arrived. Each answer-bearing packet
 * carries the {@link #writtenCount()} at the time it was written; its answer proves that many.
 *
 * <p>A fixed ring of sequences and sizes. It bounds, in messages and in bytes, what may be
 * written unproven: when it fills up the session asks for a proof (a PINGREQ) and waits for it
 * before writing more QoS 0 messages. The byte bound keeps a PINGREQ from queueing behind more
 * than half of it, so on a thin uplink its answer is not late only because of our own backlog.
 */
final class Qos0Proofs {
    private final long[] ring;
    private final int[] sizes;
    private final long maxBytes;
    private long written;
    private long proven;
    private long unprovenBytes;

    Qos0Proofs(int capacity, long maxBytes) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("QoS 0 proof ring needs at least 1 entry and 1 byte");
        }
        ring = new long[capacity];
        sizes = new int[capacity];
        this.maxBytes = maxBytes;
    }

    boolean isFull() {
        return written - proven == ring.length || unprovenBytes >= maxBytes;
    }

    /** Half full: time to ask for a proof, so writing need not stop. */
    boolean needsProofSoon() {
        return written - proven >= ring.length / 2 || unprovenBytes >= maxBytes / 2;
    }

    boolean isEmpty() {
        return written == proven;
    }

    int unproven() {
        return (int) (written - proven);
    }

    /** Counts every QoS 0 message ever written on this link; the mark an answer-bearing packet carries. */
    long writtenCount() {
        return written;
    }

    void written(long sequence, int packetBytes) {
        if (written - proven == ring.length) {
            throw new IllegalStateException("QoS 0 proof ring of " + ring.length + " is full");
        }
        int at = (int) (written % ring.length);
        ring[at] = sequence;
        sizes[at] = packetBytes;
        unprovenBytes += packetBytes;
        written++;
    }

    /** True while there is a proven sequence to take with {@link #takeProven}. */
    boolean hasProvenUpTo(long mark) {
        return proven < mark && proven < written;
    }

    long takeProven() {
        int at = (int) (proven % ring.length);
        unprovenBytes -= sizes[at];
        proven++;
        return ring[at];
    }

    /** The link is gone: whatever was not proven will be sent again from the queue. */
    void clear() {
        written = 0;
        proven = 0;
        unprovenBytes = 0;
    }
}
