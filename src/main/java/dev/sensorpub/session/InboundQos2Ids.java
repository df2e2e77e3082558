package dev.sensorpub.session;

/**
 * Packet ids of inbound QoS 2 messages already handed to the application and awaiting the
 * broker's PUBREL. A repeated PUBLISH with such an id is acknowledged but not delivered again:
 * that is what makes inbound QoS 2 exactly-once. One bit per possible id.
 */
final class InboundQos2Ids {
    private final long[] bits = new long[65_536 / 64];

    /** Records {@code id}; false if it was already there (a duplicate). */
    boolean add(int id) {
        long mask = 1L << (id & 63);
        int word = id >>> 6;
        boolean fresh = (bits[word] & mask) == 0;
        bits[word] |= mask;
        return fresh;
    }

    void remove(int id) {
        bits[id >>> 6] &= ~(1L << (id & 63));
    }

    void clear() {
        java.util.Arrays.fill(bits, 0);
    }
}
