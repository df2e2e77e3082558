package dev.sensorpub.session;

import java.util.Arrays;

/**
 * The bytes of our QoS 1 and 2 PUBLISH packets written on the current link and not yet answered
 * (PUBACK or PUBREC), held to a budget paced by the link: the window's slots say how many
 * messages may await an answer, this says how many bytes. A thin link never holds more of them
 * queued than cross in the target time (a third of the answer timeout), so an answer, and a
 * PINGREQ behind them, is never overdue for our own backlog; a fast link fills every slot.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>A PUBLISH counts from its write (a DUP resend too) until the broker's first answer to
 *       it, or until the link is lost; a slot holds the bytes of one PUBLISH, 0 once answered.
 *       Control messages and the status are not counted: they are rare and small.</li>
 *   <li>Once the unanswered bytes reach the budget, nothing more is written until half of it is
 *       answered: the refill then goes out as one burst (a larger write, fewer segments), not
 *       one PUBLISH per answer.</li>
 *   <li>One PUBLISH at a time is timed (the probe): the first written with half the budget or
 *       more unanswered, so every measurement is a loaded one (a PUBLISH behind nothing
 *       measures the latency and the shaper's burst, not the rate). Its answer came after every
 *       byte ahead of it, so those bytes (its own included) crossed from its write to its answer.</li>
 *   <li>The budget starts at {@link #INITIAL_BUDGET_BYTES} on every link (the last one may have
 *       died of a budget its link could not carry), grows by at most half per probe, shrinks at
 *       once on a slow one, and never goes below {@link #MIN_BUDGET_BYTES}.</li>
 *   <li>Nothing is allocated after construction.</li>
 * </ul>
 */
final class UnansweredPublishes {
    static final long INITIAL_BUDGET_BYTES = PacedBudget.INITIAL_BYTES;
    static final long MIN_BUDGET_BYTES = PacedBudget.MIN_BYTES;

    private final int[] bytesBySlot;
    private long bytes;
    private final PacedBudget budget = new PacedBudget(Long.MAX_VALUE);
    /** The budget was reached: nothing more goes out until half of it is answered. */
    private boolean refillAtHalf;
    private int probeSlot = -1;
    private long probeBytes;
    private long probeWrittenAtMillis;

    UnansweredPublishes(int slots) {
        bytesBySlot = new int[slots];
    }

    /** Whether another PUBLISH may be written now (see the class comment). */
    boolean hasRoom() {
        long budgetBytes = budget.bytes();
        if (bytes >= budgetBytes) {
            refillAtHalf = true;
        } else if (bytes <= budgetBytes / 2) {
            refillAtHalf = false;
        }
        return !refillAtHalf;
    }

    long bytes() {
        return bytes;
    }

    long budgetBytes() {
        return budget.bytes();
    }

    /** The PUBLISH in window {@code slot}, {@code packetBytes} long, was written on this link. */
    void written(int slot, int packetBytes, long nowMillis) {
        bytes += packetBytes - bytesBySlot[slot];
        bytesBySlot[slot] = packetBytes;
        if (probeSlot < 0 && bytes >= budget.bytes() / 2) {
            probeSlot = slot;
            probeBytes = bytes;
            probeWrittenAtMillis = nowMillis;
        }
    }

    /**
     * The broker answered the PUBLISH in {@code slot}: its bytes crossed, and if it was the
     * probe, the budget becomes what crosses in {@code targetMillis} at the speed it measured.
     */
    void answered(int slot, long nowMillis, long targetMillis) {
        bytes -= bytesBySlot[slot];
        bytesBySlot[slot] = 0;
        if (slot != probeSlot) {
            return;
        }
        probeSlot = -1;
        budget.measured(probeBytes, nowMillis - probeWrittenAtMillis, targetMillis);
    }

    /** The link is gone: nothing written on it will be answered, and the next one starts small. */
    void linkDown() {
        Arrays.fill(bytesBySlot, 0);
        bytes = 0;
        budget.reset();
        refillAtHalf = false;
        probeSlot = -1;
    }
}
