package dev.sensorpub.session;

import dev.sensorpub.codec.PacketEncoder;

/**
 * Liveness of a connected link: when to send PINGREQ, and when a link that stopped answering is
 * dead. A link can die with no reset at all (a tunnel, a dropped Wi-Fi).
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>At most one PINGREQ is outstanding; a PINGRESP that answers none proves nothing.</li>
 *   <li>A PINGREQ carries the QoS 0 proof mark of the moment it was queued: its answer proves
 *       every QoS 0 message written before it (TCP keeps order).</li>
 *   <li>The answer timer of a PINGREQ starts when the socket took its last byte, never when it
 *       was queued behind our own backlog: a slow link is not a dead one. It is longer by the
 *       time the unproven QoS 0 bytes ahead of it need to cross at the rate the last proof
 *       measured (in the kernel's queue, and on a shared medium the answer waits behind them
 *       too), and at least twice the slowest recent answer (queues the link builds up, TCP
 *       resending a lost segment); never more than one keep alive.</li>
 *   <li>The link is dead when a PINGREQ on the wire gets no answer within that time, and
 *       nothing else arrives within the answer timeout; or when the socket takes nothing at all and nothing arrives
 *       for that long, or for a whole keep alive however much the broker sends. An idle link's
 *       PINGREQ (a keep alive after the last write) is dead after the answer timeout.</li>
 *   <li>A PINGREQ behind our own bytes still awaiting an answer (unproven QoS 0, QoS 1 or 2 in
 *       flight) is dead only after 1.5 keep alives with nothing received, 2 after a slow answer
 *       (twice the slowest recent answer, at most one keep alive, added to one keep alive): its
 *       answer follows those bytes, and when loss took one of them TCP resends it only after a
 *       retransmission timeout that the session cannot see and that on a thin link lasts seconds
 *       (the lab's 8 kbit/s link with 5% loss answered such PINGREQs after up to 5.8 s, behind
 *       QoS 0 bytes estimated to cross in 0.3 to 2.9 s; at 16 kbit/s shared with 5% loss a QoS 2
 *       link was declared dead after 5 s of silence before the outage, 3 connects where 2 were due).</li>
 * </ul>
 */
final class KeepAlive {
    private final long keepAliveMillis;
    private final long answerTimeoutMillis;
    private final SendBuffer out;

    private long lastReadMillis;
    private long lastWriteMillis;
    private boolean pingOutstanding;
    /** Whether the outstanding PINGREQ has left the send buffer; its answer is timed from then. */
    private boolean pingOnWire;
    private long pingEndOffset;
    private long pingSentAtMillis;
    private long pingProofMark;
    /** How long the outstanding PINGREQ's answer may take once it left. */
    private long pingAnswerWindowMillis;
    /** How long nothing may arrive before the outstanding PINGREQ, once overdue, means dead. */
    private long pingSilenceMillis;
    /**
     * The slowest recent answer to a PINGREQ, from when it left; a slower one replaces it, each
     * faster one takes a quarter off, and each keep alive without an answer halves it: while
     * acknowledgements flow no PINGREQ goes out, and one stall long ago must not lengthen the
     * search for a dead link for good. Kept across connections: it measures the link.
     */
    private long slowAnswerMillis;
    /** When {@link #slowAnswerMillis} was last measured or halved. */
    private long slowAnswerAtMillis;

    KeepAlive(int keepAliveSeconds, SendBuffer out) {
        this.keepAliveMillis = keepAliveSeconds * 1000L;
        this.answerTimeoutMillis = Math.max(500, keepAliveMillis / 2);
        this.out = out;
    }

    /** How long a PINGREQ's answer may take once it left. */
    long answerTimeoutMillis() {
        return answerTimeoutMillis;
    }

    /** A new link: nothing outstanding, both directions fresh. */
    void reset(long nowMillis) {
        lastReadMillis = nowMillis;
        lastWriteMillis = nowMillis;
        pingOutstanding = false;
    }

    void cancelPing() {
        pingOutstanding = false;
    }

    /** Bytes arrived from the broker. */
    void heard(long nowMillis) {
        lastReadMillis = nowMillis;
    }

    long lastReadMillis() {
        return lastReadMillis;
    }

    /** The send buffer was flushed; {@code written} is its running total of bytes taken by the socket. */
    void flushed(long nowMillis, boolean tookAny, long written) {
        if (tookAny) {
            lastWriteMillis = nowMillis;
        }
        if (pingOutstanding && !pingOnWire && written >= pingEndOffset) {
            pingOnWire = true;
            pingSentAtMillis = nowMillis;
        }
    }

    boolean pingOutstanding() {
        return pingOutstanding;
    }

    /**
     * Sends PINGREQ when due.
     *
     * @return null while the link is alive, else why it is dead
     */
    String check(long nowMillis, boolean somethingUnproven, boolean proofWantedSoon, long proofMark,
            long aheadMillis) {
        ageSlowAnswer(nowMillis);
        if (pingOutstanding) {
            long quietFor = nowMillis - lastReadMillis;
            if (pingOnWire && nowMillis - pingSentAtMillis >= pingAnswerWindowMillis
                    && quietFor >= pingSilenceMillis) {
                return "no answer from the broker for " + quietFor + " ms";
            }
            if (!pingOnWire && nowMillis - lastWriteMillis >= answerTimeoutMillis && quietFor >= answerTimeoutMillis) {
                return "the socket took nothing for " + (nowMillis - lastWriteMillis)
                        + " ms and the broker said nothing for " + quietFor + " ms";
            }
            // A broker that keeps sending but never reads us: what it sends proves nothing of ours
            // (QoS 0 has no window to time out), so a whole keep alive with no byte taken is dead.
            if (!pingOnWire && nowMillis - lastWriteMillis >= keepAliveMillis) {
                return "the socket took nothing for " + (nowMillis - lastWriteMillis)
                        + " ms while the broker kept sending";
            }
            return null;
        }
        boolean idle = nowMillis - lastWriteMillis >= keepAliveMillis;
        boolean quiet = somethingUnproven && nowMillis - lastReadMillis >= answerTimeoutMillis;
        if (idle || quiet || proofWantedSoon) {
            sendPing(proofMark, aheadMillis, somethingUnproven);
        }
        return null;
    }

    /**
     * Queues a PINGREQ whose answer proves QoS 0 messages up to {@code proofMark}, behind bytes
     * that need {@code aheadMillis} to cross the link; {@code behindUnanswered} when anything of
     * ours (unproven QoS 0, a QoS 1 or 2 packet in flight) still awaits the broker's answer.
     */
    void sendPing(long proofMark, long aheadMillis, boolean behindUnanswered) {
        pingProofMark = proofMark;
        long ahead = Math.min(Math.max(0, aheadMillis), keepAliveMillis);
        long window = Math.max(answerTimeoutMillis + ahead, 2 * slowAnswerMillis);
        pingAnswerWindowMillis = Math.min(window, keepAliveMillis);
        pingSilenceMillis = behindUnanswered
                ? keepAliveMillis + Math.min(Math.max(answerTimeoutMillis, 2 * slowAnswerMillis), keepAliveMillis)
                : answerTimeoutMillis;
        out.commit(PacketEncoder.encodePingreq(out.bytes(), out.reserve(PacketEncoder.PINGREQ_SIZE)));
        pingEndOffset = out.committed();
        pingOutstanding = true;
        pingOnWire = false;
    }

    /** A PINGRESP arrived: the proof mark it carries, or -1 if it answers no PINGREQ of ours. */
    long answered(long nowMillis) {
        if (!pingOutstanding) {
            return -1;
        }
        pingOutstanding = false;
        if (pingOnWire) {
            long took = nowMillis - pingSentAtMillis;
            slowAnswerMillis = Math.max(took, slowAnswerMillis - slowAnswerMillis / 4);
            slowAnswerAtMillis = nowMillis;
        }
        return pingProofMark;
    }

    /** Halves the slowest recent answer for every whole keep alive since it was measured. */
    private void ageSlowAnswer(long nowMillis) {
        while (slowAnswerMillis > 0 && nowMillis - slowAnswerAtMillis >= keepAliveMillis) {
            slowAnswerMillis /= 2; // at most one keep alive: 27 halvings reach 0
            slowAnswerAtMillis += keepAliveMillis;
        }
    }

    /** The latest time the loop must look at this link again. */
    long deadlineMillis(boolean somethingUnproven) {
        if (pingOutstanding) {
            if (pingOnWire) {
                return Math.max(pingSentAtMillis + pingAnswerWindowMillis, lastReadMillis + pingSilenceMillis);
            }
            return Math.min(Math.max(lastWriteMillis, lastReadMillis) + answerTimeoutMillis,
                    lastWriteMillis + keepAliveMillis);
        }
        long deadline = lastWriteMillis + keepAliveMillis;
        if (somethingUnproven) {
            deadline = Math.min(deadline, lastReadMillis + answerTimeoutMillis);
        }
        return deadline;
    }
}
