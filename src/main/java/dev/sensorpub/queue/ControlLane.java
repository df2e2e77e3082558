package dev.sensorpub.queue;

import java.util.Arrays;

/**
 * The small lane for control messages (birth, output state echoes, Home Assistant discovery)
 * that the session sends before the reading backlog. Fixed slots, allocated once, keyed by
 * topic: a newer message for a topic already in the lane replaces the older one instead of
 * taking another slot, since only the latest state of a topic matters. The overflow policy of
 * the reading queue never touches it; it lives in memory (after a restart the agent publishes
 * its current state again).
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>A slot is PENDING (to send), IN_FLIGHT (sent, not confirmed) or FREE.</li>
 *   <li>A message is freed only by {@link #confirmed} for the exact version that was sent: a
 *       replacement that arrived meanwhile is PENDING and goes out too.</li>
 *   <li>Pending messages go out oldest first; {@link #rewind} makes every in-flight one pending
 *       again (the link was lost before its confirmation).</li>
 * </ul>
 * Used by the loop thread only; nothing is allocated after construction.
 */
public final class ControlLane {
    private static final int FREE = 0;
    private static final int PENDING = 1;
    private static final int IN_FLIGHT = 2;

    private final byte[][] topics;
    private final int[] topicLengths;
    private final byte[][] payloads;
    private final int[] payloadLengths;
    private final boolean[] retain;
    private final int[] state;
    /** Bumped by every replacement, so a confirmation of an older version frees nothing. */
    private final int[] version;
    /** When the slot's message became pending: the order in which pending messages go out. */
    private final long[] order;
    private final int maxMessageBytes;
    private long nextOrder;
    private int used;
    private long replaced;

    public ControlLane(int slots, int maxMessageBytes) {
        if (slots < 1 || slots > 65_535) {
            throw new IllegalArgumentException("control lane of " + slots + " slots is outside 1..65535");
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("control lane messages need at least 1 byte, got " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        topics = new byte[slots][maxMessageBytes];
        payloads = new byte[slots][maxMessageBytes];
        topicLengths = new int[slots];
        payloadLengths = new int[slots];
        retain = new boolean[slots];
        state = new int[slots];
        version = new int[slots];
        order = new long[slots];
    }

    public int capacity() {
        return state.length;
    }

    /** Messages waiting or in flight. */
    public int size() {
        return used;
    }

    public boolean isEmpty() {
        return used == 0;
    }

    /** How many messages a newer one for the same topic replaced before they were confirmed. */
    public long replaced() {
        return replaced;
    }

    /**
     * Adds a message, or replaces the one for the same topic.
     *
     * @return false if it is larger than the lane's messages or every slot holds another topic
     */
    public boolean offer(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
            int payloadLength, boolean retained) {
        if (topicLength < 1 || topicLength + payloadLength > maxMessageBytes) {
            return false;
        }
        int slot = slotOf(topic, topicOffset, topicLength);
        if (slot >= 0) {
            replaced++;
        } else {
            slot = freeSlot();
            if (slot < 0) {
                return false;
            }
            used++;
            System.arraycopy(topic, topicOffset, topics[slot], 0, topicLength);
            topicLengths[slot] = topicLength;
        }
        System.arraycopy(payload, payloadOffset, payloads[slot], 0, payloadLength);
        payloadLengths[slot] = payloadLength;
        retain[slot] = retained;
        version[slot]++;
        if (state[slot] != PENDING) {
            order[slot] = nextOrder++;
        }
        state[slot] = PENDING;
        return true;
    }

    private int slotOf(byte[] topic, int offset, int length) {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] != FREE && topicLengths[slot] == length
                    && Arrays.equals(topics[slot], 0, length, topic, offset, offset + length)) {
                return slot;
            }
        }
        return -1;
    }

    private int freeSlot() {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] == FREE) {
                return slot;
            }
        }
        return -1;
    }

    /** The oldest pending message's slot, or -1 if none waits. */
    public int nextPending() {
        int best = -1;
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] == PENDING && (best < 0 || order[slot] < order[best])) {
                best = slot;
            }
        }
        return best;
    }

    public byte[] topic(int slot) {
        return topics[slot];
    }

    public int topicLength(int slot) {
        return topicLengths[slot];
    }

    public byte[] payload(int slot) {
        return payloads[slot];
    }

    public int payloadLength(int slot) {
        return payloadLengths[slot];
    }

    public boolean retain(int slot) {
        return retain[slot];
    }

    /** The version that {@link #sent} returns and {@link #confirmed} expects. */
    public int version(int slot) {
        return version[slot];
    }

    /** The slot's message was written to the link. */
    public void sent(int slot) {
        if (state[slot] == PENDING) {
            state[slot] = IN_FLIGHT;
        }
    }

    /** The broker confirmed {@code sentVersion} of the slot's message; a newer version stays. */
    public void confirmed(int slot, int sentVersion) {
        if (slot < 0 || slot >= state.length || state[slot] != IN_FLIGHT || version[slot] != sentVersion) {
            return;
        }
        state[slot] = FREE;
        used--;
    }

    /** The link was lost: every message not confirmed goes out again. */
    public void rewind() {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] == IN_FLIGHT) {
                state[slot] = PENDING;
            }
        }
    }
}
