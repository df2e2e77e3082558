package dev.sensorpub.session;

/**
 * QoS 0 messages written to the socket but not yet proven to have reached the broker. TCP
 * delivers in order, so when the broker answers a packet we wrote later (a PUBACK, PUBREC or
 * PINGRESP), everything written before that packet has arrived. Each answer-bearing packet
 * carries the {@link #writtenCount()} at the time it was written; its answer proves that many.
 *
 * <p>A fixed ring of sequences, sizes and write times. It bounds, in messages and in bytes, what
 * may be written unproven: a burst of writes that leaves it half full or more ends with a request
 * for a proof (a PINGREQ behind the whole burst, so its answer proves all of it), and when it
 * fills up the session waits for that answer before writing more QoS 0 messages.
 *
 * <p>The byte bound is paced by the link: each proof measures how fast the proven bytes crossed
 * (from the write of the oldest to the answer; only proofs of at least half the bound count,
 * since a small one measures the latency and the shaper's burst, not the rate), and the
 * bound becomes what crosses in a target time. So a PINGREQ never waits behind more of our own
 * bytes than the link can carry before its answer is due, on any uplink: it starts small and
 * grows by at most half per proof as proofs show the link is fast, shrinks on a loaded proof, and
 * starts small again on every new connection.
 *
 * <p>The same proofs tell how long the unproven bytes need to cross ({@link #millisToCross()}):
 * a PINGREQ queued behind them is not overdue before they could have crossed.
 */
final class Qos0Proofs {
    static final long INITIAL_BUDGET_BYTES = PacedBudget.INITIAL_BYTES;
    static final long MIN_BUDGET_BYTES = PacedBudget.MIN_BYTES;
    /**
     * What one TCP segment carries on an Ethernet-sized path (MTU 1500, less IPv4 and TCP with
     * timestamps): a burst leaves in segments of this size.
     */
    static final int SEGMENT_BYTES = 1448;
    /**
     * What a burst may carry past its bound: the message that crosses it (a reading is about 15
     * bytes) and the PINGREQ behind it (2).
     */
    static final int BURST_SLACK_BYTES = 16;

    private final long[] ring;
    private final int[] sizes;
    private final long[] writtenAtMillis;
    private final PacedBudget budget;
    private long written;
    private long proven;
    private long unprovenBytes;
    /**
     * How long a kilobyte took from its write to its proof on the last loaded proof, or 0 before
     * one. Kept across connections: it measures the link, not the connection.
     */
    private long millisPerKilobyte;
    /**
     * The same, timed from the write of the newest proven message instead of the oldest: what
     * the link took, not how long a slow source took to write half the budget (a reading every
     * 100 ms on a link answering in 1 ms: 6.6 s per kilobyte from the oldest, 1 ms from the newest).
     */
    private long answerMillisPerKilobyte;

    Qos0Proofs(int capacity, long maxBytes) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("QoS 0 proof ring needs at least 1 entry and 1 byte");
        }
        ring = new long[capacity];
        sizes = new int[capacity];
        writtenAtMillis = new long[capacity];
        this.budget = new PacedBudget(maxBytes);
    }

    boolean isFull() {
        return written - proven == ring.length || unprovenBytes >= burstBytes();
    }

    /**
     * The budget, less what would spill into a segment of its own: a burst just over one or more
     * full segments sends the spill with a whole header (in the lab at 16 kbit/s, 66 header bytes
     * for 84 to 118 bytes of readings every round, issue 11). A spill of a quarter segment or
     * more goes out; less waits for the next burst. Never above the budget, so a PINGREQ still
     * waits behind no more than the budget allows, and the budget itself still grows and shrinks
     * as the proofs measure the link. Only once the budget has settled: while it still grows, TCP's
     * retransmission timer has not yet seen the link's round trip either (the handshake crossed
     * in under a millisecond), and when it fires early on a full last segment it sends that whole
     * segment again (in the lab at 16 kbit/s full duplex with the cut from the first round: 1,442
     * bytes resent in both runs, nothing in the 2 runs beside them without it).
     */
    private long burstBytes() {
        long budgetBytes = budget.bytes();
        if (!budget.settled()) {
            return budgetBytes;
        }
        long segments = (budgetBytes + BURST_SLACK_BYTES) / SEGMENT_BYTES;
        long spill = budgetBytes + BURST_SLACK_BYTES - segments * SEGMENT_BYTES;
        return segments >= 1 && spill < SEGMENT_BYTES / 4 ? segments * SEGMENT_BYTES - BURST_SLACK_BYTES : budgetBytes;
    }

    /** At least half full: a burst that leaves this much unproven ends with a PINGREQ. */
    boolean needsProofSoon() {
        return written - proven >= ring.length / 2 || unprovenBytes >= budget.bytes() / 2;
    }

    /** The unproven bytes allowed now (see the class comment). */
    long budgetBytes() {
        return budget.bytes();
    }

    /**
     * Takes every message the answer carrying {@code mark} proves, confirming each through
     * {@code confirmed}, and paces the byte bound by how fast they crossed: what crosses in
     * {@code targetMillis} at that speed.
     */
    void prove(long mark, long nowMillis, long targetMillis, Confirmations confirmed) {
        if (!hasProvenUpTo(mark)) {
            return;
        }
        long oldestWrittenAt = writtenAtMillis[(int) (proven % ring.length)];
        long newestWrittenAt = oldestWrittenAt;
        long bytes = 0;
        while (hasProvenUpTo(mark)) {
            bytes += sizes[(int) (proven % ring.length)];
            newestWrittenAt = writtenAtMillis[(int) (proven % ring.length)];
            confirmed.confirm(takeProven());
        }
        long tookMillis = Math.max(1, nowMillis - oldestWrittenAt);
        if (bytes < budget.bytes() / 2) {
            // The link was not loaded: a low rate says nothing about what it can carry, and a
            // high one measured the latency and the shaper's burst (an 8 kbit/s htb passed 13
            // bytes in 3 ms, so the budget became 3.6 KB and no later proof came: issue 11).
            return;
        }
        millisPerKilobyte = tookMillis * 1024 / bytes;
        answerMillisPerKilobyte = Math.max(1, nowMillis - newestWrittenAt) * 1024 / bytes;
        budget.measured(bytes, tookMillis, targetMillis);
    }

    /**
     * How long the unproven bytes need to cross at the rate the last loaded proof measured: from
     * write to answer, so it includes the round trip of that proof, and on a shared medium the
     * answer's wait behind our own bytes. Before any measurement, unproven bytes may need any
     * time ({@link Long#MAX_VALUE}): the lab's shared 8 kbit/s link answered the first PINGREQs
     * behind a few hundred bytes in 1.7 to 2.4 s, and some after more than 2.5 s.
     */
    long millisToCross() {
        if (unprovenBytes == 0) {
            return 0;
        }
        return millisPerKilobyte == 0 ? Long.MAX_VALUE : unprovenBytes * millisPerKilobyte / 1024;
    }

    /**
     * How long a kilobyte took on the last loaded proof from the write of its newest message to
     * the answer, or 0 before one: the link's pace, not the source's (see the field).
     */
    long answerMillisPerKilobyte() {
        return answerMillisPerKilobyte;
    }

    /** Where proven sequences go. */
    interface Confirmations {
        void confirm(long sequence);
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

    void written(long sequence, int packetBytes, long nowMillis) {
        if (written - proven == ring.length) {
            throw new IllegalStateException("QoS 0 proof ring of " + ring.length + " is full");
        }
        int at = (int) (written % ring.length);
        ring[at] = sequence;
        sizes[at] = packetBytes;
        writtenAtMillis[at] = nowMillis;
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
        budget.reset();
        written = 0;
        proven = 0;
        unprovenBytes = 0;
    }
}
