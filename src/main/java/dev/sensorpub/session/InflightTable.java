package dev.sensorpub.session;

import java.util.Arrays;

/**
 * Outgoing QoS 1 and 2 messages the broker has not finished acknowledging, at most
 * {@code window} of them, plus one slot kept for the retained status: "online" on a kept session
 * whose window is still full, or "offline" at a stop, must not fall to QoS 0 (a broker may discard
 * a retained QoS 0 message). Packet ids are taken here, when a message is sent, never when it is
 * queued, so a deep queue can never run out of ids: at most {@code window + 1} are in use at once.
 * Fixed arrays only; nothing is allocated after construction.
 */
final class InflightTable {
    static final int AWAITING_PUBACK = 1;
    static final int AWAITING_PUBREC = 2;
    static final int AWAITING_PUBCOMP = 3;
    /** Sequence of an entry that is not a queued record (the birth message). */
    static final long NO_RECORD = 0;

    private static final int FREE = 0;
    private static final int NO_SLOT = -1;
    /** A packet id taken for something that holds no slot (SUBSCRIBE). */
    private static final int RESERVED = -2;

    private final long[] sequence;
    private final int[] packetId;
    private final int[] state;
    /** QoS 0 proof count when the entry's PUBLISH was written (see {@link Qos0Proofs}). */
    private final long[] proofMark;
    /** The link (a count of accepted CONNACKs) on which the entry's packet was last written. */
    private final long[] sentOnLink;
    /** {@link #awaitingPubrecOnLink} when the entry's PUBLISH was last written, itself included. */
    private final int[] awaitingPubrecWhenWritten;
    private final int[] slotByPacketId = new int[65_536];
    private final int window;
    private int used;
    private int qos2Used;
    /** QoS 2 entries whose PUBREC has not come and whose PUBLISH was written on {@link #currentLink}: what the broker counts now. */
    private int awaitingPubrecOnLink;
    /** QoS 2 entries waiting for PUBCOMP whose PUBREL was written on {@link #currentLink}. */
    private int releasedOnLink;
    private long currentLink;
    private int lastPacketId;

    InflightTable(int window) {
        if (window < 1 || window > 65_534) {
            throw new IllegalArgumentException("in-flight window " + window + " is outside 1..65534");
        }
        this.window = window;
        int slots = window + 1; // the status slot
        sequence = new long[slots];
        packetId = new int[slots];
        state = new int[slots];
        proofMark = new long[slots];
        sentOnLink = new long[slots];
        awaitingPubrecWhenWritten = new int[slots];
        Arrays.fill(slotByPacketId, NO_SLOT);
    }

    /** Slots are numbered 0 .. capacity-1; {@link #inUse} tells which hold an entry. */
    int capacity() {
        return state.length;
    }

    boolean inUse(int slot) {
        return state[slot] != FREE;
    }

    int size() {
        return used;
    }

    /** QoS 2 messages between PUBLISH and PUBCOMP. */
    int qos2Size() {
        return qos2Used;
    }

    /**
     * QoS 2 messages whose PUBLISH was written on the current link and whose PUBREC has not come.
     * A broker counts a QoS 2 message against its in-flight limit until it receives our PUBREL;
     * TCP delivers in order, so a PUBLISH written after a PUBREL reaches the broker after that
     * PUBREL has freed its place there. After a reconnect the broker counts only what reaches it again, so a DUP resend counts
     * once it is written, not before.
     */
    int awaitingPubrecOnLink() {
        return awaitingPubrecOnLink;
    }

    /**
     * QoS 2 messages the broker may hold against its in-flight limit now: every QoS 2 entry but
     * those whose PUBREL was written on the current link (TCP delivers that PUBREL before
     * anything written after it). An upper bound: a kept session keeps what reached the broker
     * on an earlier link until our PUBREL, and counts it again at the reconnect.
     */
    int mayBeHeldAtBroker() {
        return qos2Used - releasedOnLink;
    }

    /** A new link is up: entries written on earlier ones no longer count as written on it. */
    void linkUp(long link) {
        currentLink = link;
        awaitingPubrecOnLink = 0;
        releasedOnLink = 0;
        for (int slot = 0; slot < state.length; slot++) {
            count(slot, 1);
        }
    }

    /** Adds (+1) or takes out (-1) the entry from the per-link count it belongs to, if any. */
    private void count(int slot, int delta) {
        if (sentOnLink[slot] != currentLink) {
            return;
        }
        if (state[slot] == AWAITING_PUBREC) {
            awaitingPubrecOnLink += delta;
        } else if (state[slot] == AWAITING_PUBCOMP) {
            releasedOnLink += delta;
        }
    }

    /** Room for a record or a control message: the window is not full. */
    boolean hasRoom() {
        return used < window;
    }

    /** Room for the retained status: the window, or the slot kept for it. */
    boolean hasRoomForStatus() {
        return used < state.length;
    }

    /**
     * The packet id the next {@link #add} will take, without taking it: the caller encodes its
     * PUBLISH with it first, so a message that fails to encode never holds a slot.
     */
    int nextPacketId() {
        int id = lastPacketId;
        do {
            id = id == 65_535 ? 1 : id + 1;
        } while (slotByPacketId[id] != NO_SLOT);
        return id;
    }

    /** Takes a free slot and the packet id {@link #nextPacketId()} named; returns the packet id. */
    int add(long recordSequence, int qos, long proofCount, long link) {
        if (!hasRoom()) {
            throw new IllegalStateException("in-flight window of " + window + " is full");
        }
        return put(recordSequence, qos, proofCount, link);
    }

    /** {@link #add} for the retained status (QoS 1, no record), which may take the kept slot. */
    int addStatus(long proofCount, long link) {
        if (!hasRoomForStatus()) {
            throw new IllegalStateException("in-flight window of " + window + " and its status slot are full");
        }
        return put(NO_RECORD, 1, proofCount, link);
    }

    private int put(long recordSequence, int qos, long proofCount, long link) {
        int slot = 0;
        while (state[slot] != FREE) {
            slot++;
        }
        int id = nextFreePacketId();
        sequence[slot] = recordSequence;
        packetId[slot] = id;
        state[slot] = qos == 1 ? AWAITING_PUBACK : AWAITING_PUBREC;
        if (qos == 2) {
            qos2Used++;
        }
        proofMark[slot] = proofCount;
        sentOnLink[slot] = link;
        count(slot, 1);
        awaitingPubrecWhenWritten[slot] = awaitingPubrecOnLink;
        slotByPacketId[id] = slot;
        used++;
        return id;
    }

    /** Takes a packet id for a packet that needs no window slot, such as SUBSCRIBE. */
    int reservePacketId() {
        int id = nextFreePacketId();
        slotByPacketId[id] = RESERVED;
        return id;
    }

    void releasePacketId(int id) {
        if (slotByPacketId[id] == RESERVED) {
            slotByPacketId[id] = NO_SLOT;
        }
    }

    /** At most window + 3 steps, since at most window + 2 ids (with the status and a SUBSCRIBE) are ever in use. */
    private int nextFreePacketId() {
        lastPacketId = nextPacketId();
        return lastPacketId;
    }

    /** The slot holding {@code id}, or -1 (also for a reserved id). */
    int slotOfPacketId(int id) {
        return id < 1 || id > 65_535 ? NO_SLOT : Math.max(NO_SLOT, slotByPacketId[id]);
    }

    /** The slot holding the record {@code recordSequence}, or -1. Linear, but the window is small. */
    int slotOfSequence(long recordSequence) {
        if (used == 0) {
            return NO_SLOT;
        }
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] != FREE && sequence[slot] == recordSequence) {
                return slot;
            }
        }
        return NO_SLOT;
    }

    long sequence(int slot) {
        return sequence[slot];
    }

    int packetId(int slot) {
        return packetId[slot];
    }

    int state(int slot) {
        return state[slot];
    }

    long proofMark(int slot) {
        return proofMark[slot];
    }

    /** The entry's record is gone; it keeps its packet id (and slot) under {@code marker}. */
    void forgetRecord(int slot, long marker) {
        sequence[slot] = marker;
    }

    void setState(int slot, int newState) {
        count(slot, -1);
        state[slot] = newState;
        count(slot, 1);
    }

    /** The entry's packet (PUBLISH or PUBREL, as its state says) went out again on {@code link}. */
    void resent(int slot, long proofCount, long link) {
        count(slot, -1);
        proofMark[slot] = proofCount;
        sentOnLink[slot] = link;
        count(slot, 1);
        awaitingPubrecWhenWritten[slot] = awaitingPubrecOnLink;
    }

    /**
     * How many QoS 2 messages written on the entry's link awaited PUBREC when its PUBLISH was
     * last written, itself included if QoS 2: the most of them the broker held when it arrived.
     * An earlier link's QoS 2 not yet written again is left out: if the broker holds one written
     * after this record, this record's first copy arrived before it and got in.
     */
    int awaitingPubrecWhenWritten(int slot) {
        return awaitingPubrecWhenWritten[slot];
    }

    long sentOnLink(int slot) {
        return sentOnLink[slot];
    }

    /** Whether some entry's packet was written on {@code link}, so its answer will come on it. */
    boolean anySentOnLink(long link) {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] != FREE && sentOnLink[slot] == link) {
                return true;
            }
        }
        return false;
    }

    void remove(int slot) {
        if (state[slot] == AWAITING_PUBREC || state[slot] == AWAITING_PUBCOMP) {
            qos2Used--;
        }
        count(slot, -1);
        slotByPacketId[packetId[slot]] = NO_SLOT;
        state[slot] = FREE;
        sequence[slot] = 0;
        packetId[slot] = 0;
        used--;
    }

    void clear() {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] != FREE) {
                remove(slot);
            }
        }
    }
}
