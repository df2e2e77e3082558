package dev.sensorpub.session;

/**
 * A byte budget paced by the link: after each loaded measurement it becomes what crosses in a
 * target time at the pace measured, growing by at most half per measurement, never below
 * {@link #MIN_BYTES} nor above its maximum, and it starts small again on every new link (the last
 * one may have died of a budget its link could not carry in time). Which measurements are loaded
 * enough to count is the caller's to say: the unproven QoS 0 bytes ({@link Qos0Proofs}) and the
 * unanswered QoS 1/2 bytes ({@link UnansweredPublishes}) each pick their own.
 */
final class PacedBudget {
    /**
     * Before any measurement: 1 KB crosses an 8 kbit/s uplink in about 1 s, so an answer behind
     * it comes within the answer time a keep alive of 2 s or more gives (4 KB did not: the proof
     * of a reconnect's backlog never came, issue 11). The first measurement on a fast link raises it.
     */
    static final long INITIAL_BYTES = 1024;
    static final long MIN_BYTES = 1024;

    private final long maxBytes;
    private long bytes;
    /**
     * The last measurement put the budget where the link's pace says, not where the growth of at
     * most half stopped it (or at the maximum, where it grows no more either): settled.
     */
    private boolean settled;

    PacedBudget(long maxBytes) {
        this.maxBytes = maxBytes;
        this.bytes = Math.min(maxBytes, INITIAL_BYTES);
    }

    long bytes() {
        return bytes;
    }

    boolean settled() {
        return settled;
    }

    /**
     * {@code crossedBytes} crossed in {@code tookMillis}: the budget becomes what crosses in
     * {@code targetMillis} at that pace, growing by at most half (the first loaded measurement on
     * a new connection still rides the shaper's burst: 525 bytes in 212 ms at 8 kbit/s, and must
     * cost one small step).
     */
    void measured(long crossedBytes, long tookMillis, long targetMillis) {
        long crosses = crossedBytes * targetMillis / Math.max(1, tookMillis);
        long next = Math.min(crosses, bytes + bytes / 2);
        bytes = Math.max(Math.min(MIN_BYTES, maxBytes), Math.min(maxBytes, next));
        settled = crosses == next || bytes == maxBytes;
    }

    /** A new link: small again, not settled. */
    void reset() {
        bytes = Math.min(maxBytes, INITIAL_BYTES);
        settled = false;
    }
}
