package dev.sensorpub.session;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.transport.TcpProgress;
import java.util.function.Supplier;

/**
 * Liveness of a connected link: when to send PINGREQ, and when a link that stopped answering is
 * dead. A link can die with no reset at all (a tunnel, a dropped Wi-Fi).
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>At most one PINGREQ asking for an answer is outstanding; a PINGRESP that answers none
 *       proves nothing. While it waits on the wire, a PINGREQ goes out each half keep alive for
 *       the broker's keep alive only, at once even where the socket holds small writes; their
 *       answers come after its own and prove nothing.</li>
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
 *       for that long, or for a whole keep alive however much the broker sends. A PINGREQ on
 *       the wire unanswered for 3 keep alives is dead however much the broker sends. An idle link's
 *       PINGREQ (a keep alive after the last write) is dead after the answer timeout.</li>
 *   <li>A PINGREQ behind our own bytes still awaiting an answer (unproven QoS 0, QoS 1 or 2 in
 *       flight) is dead only after 1.5 keep alives with nothing received, 2 after a slow answer
 *       (twice the slowest recent answer, at most one keep alive, added to one keep alive): its
 *       answer follows those bytes, and when loss took one of them TCP resends it only after a
 *       retransmission timeout that the session cannot see and that on a thin link lasts seconds
 *       (the lab's 8 kbit/s link with 5% loss answered such PINGREQs after up to 5.8 s, behind
 *       QoS 0 bytes estimated to cross in 0.3 to 2.9 s; at 16 kbit/s shared with 5% loss a QoS 2
 *       link was declared dead after 5 s of silence before the outage, 3 connects where 2 were due).</li>
 *   <li>An overdue PINGREQ the kernel shows still on its way, or acknowledged with its answer
 *       perhaps lost and resent, is not dead yet (see {@link CrossingWatch}); never past 3
 *       keep alives of silence. A PINGREQ acknowledged long before the verdict is judged as above.</li>
 * </ul>
 */
final class KeepAlive {
    /** Silence after which a ping is dead however its bytes are still moving. */
    private static final int MAX_SILENT_KEEP_ALIVES = 3;

    private final long keepAliveMillis;
    private final long answerTimeoutMillis;
    private final SendBuffer out;
    /** Whether the outstanding PINGREQ, once on the wire, is provably still crossing. */
    private final CrossingWatch pingWatch;
    /** How often a slow ping looks at the kernel's acknowledgements. */
    private final long lookMillis;

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
    /** PINGREQs written after the outstanding one only to keep the broker's keep alive; answered after it. */
    private int keepingPings;
    /** Answers still due to such PINGREQs of a ping already answered: they prove nothing. */
    private int staleAnswers;
    /** Send-buffer offset the last such PINGREQ ends at: until the socket took it, it must not wait (Nagle). */
    private long keepingPingEndOffset;
    /** When the last such PINGREQ was queued. */
    private long keepingPingAtMillis;

    KeepAlive(int keepAliveSeconds, SendBuffer out) {
        this(keepAliveSeconds, out, () -> TcpProgress.UNKNOWN);
    }

    /** {@code kernel} tells what the broker's TCP acknowledged of ours (see {@link CrossingWatch}). */
    KeepAlive(int keepAliveSeconds, SendBuffer out, Supplier<TcpProgress> kernel) {
        this.keepAliveMillis = keepAliveSeconds * 1000L;
        this.answerTimeoutMillis = Math.max(500, keepAliveMillis / 2);
        this.out = out;
        this.lookMillis = Math.max(100, answerTimeoutMillis / 2);
        this.pingWatch = new CrossingWatch(kernel, keepAliveMillis, answerTimeoutMillis, lookMillis);
    }

    /** How often a look at the kernel is due while an answer is overdue. */
    long lookMillis() {
        return lookMillis;
    }

    /** How long a PINGREQ's answer may take once it left. */
    long answerTimeoutMillis() {
        return answerTimeoutMillis;
    }

    /** A new link: nothing outstanding, both directions fresh. */
    void reset(long nowMillis) {
        lastReadMillis = nowMillis;
        lastWriteMillis = nowMillis;
        cancelPing();
    }

    void cancelPing() {
        pingOutstanding = false;
        keepingPings = 0;
        staleAnswers = 0;
        keepingPingEndOffset = 0;
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
            pingWatch.watch(pingEndOffset, nowMillis + lookMillis);
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
            if (pingOnWire) {
                pingWatch.look(nowMillis);
            }
            if (pingOnWire && nowMillis - pingSentAtMillis >= pingAnswerWindowMillis
                    && quietFor >= pingSilenceMillis && !stillCrossing(nowMillis)) {
                return "no answer for " + quietFor + " ms";
            }
            // A broker that keeps sending (other clients' messages) but never answers us: what it
            // sends proves nothing of ours, so silence alone would never end this link.
            if (pingOnWire && nowMillis - pingSentAtMillis >= MAX_SILENT_KEEP_ALIVES * keepAliveMillis) {
                // Reached also by a broker that fell silent just after the PINGREQ left (the
                // kernel's hold above ends 3 keep alives after the last read): say which.
                long waited = nowMillis - pingSentAtMillis;
                return quietFor >= answerTimeoutMillis ? "no PINGRESP in " + waited + " ms, quiet for " + quietFor + " ms"
                        : "no PINGRESP in " + waited + " ms while the broker sends";
            }
            // Nothing read is not the broker's silence: with no room to answer what it sends we
            // stop reading, and its bytes wait unread.
            if (!pingOnWire && nowMillis - lastWriteMillis >= answerTimeoutMillis && quietFor >= answerTimeoutMillis) {
                return "writes stuck " + (nowMillis - lastWriteMillis) + " ms, nothing read " + quietFor + " ms";
            }
            // A broker that keeps sending but never reads us: what it sends proves nothing of ours
            // (QoS 0 has no window to time out), so a whole keep alive with no byte taken is dead.
            if (!pingOnWire && nowMillis - lastWriteMillis >= keepAliveMillis) {
                return "writes stuck " + (nowMillis - lastWriteMillis) + " ms while the broker sends";
            }
            if (keepingPingDue(nowMillis)) {
                out.commit(PacketEncoder.encodePingreq(out.bytes(), out.reserve(PacketEncoder.PINGREQ_SIZE)));
                keepingPingEndOffset = out.committed();
                keepingPingAtMillis = nowMillis;
                keepingPings++;
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

    /** Whether the overdue ping provably is still on its way (see {@link CrossingWatch}). */
    private boolean stillCrossing(long nowMillis) {
        return heldUntil() > nowMillis;
    }

    /** Until when the kernel holds a due verdict off, within the silence bound; {@link CrossingWatch#NEVER} if not. */
    private long heldUntil() {
        return Math.min(pingWatch.heldUntil(), lastReadMillis + MAX_SILENT_KEEP_ALIVES * keepAliveMillis);
    }

    /**
     * Whether to write a PINGREQ for the broker's sake while the outstanding one waits on the
     * wire: the broker drops a client it has heard nothing from for 1.5 keep alives, and what
     * the socket takes may reach it seconds later, or not at all before TCP resends a lost
     * segment. In the link lab a lost PINGRESP, resent by the broker's TCP 2.8 s later, left the
     * agent silent for 8 s (the QoS 0 budget full), and readings held by Nagle's algorithm behind
     * two lost last segments waited for an 8.3 s retransmission timeout: both times mosquitto
     * closed the connection. One each half keep alive from when the waiting PINGREQ left, only
     * once the socket took everything before it.
     */
    private boolean keepingPingDue(long nowMillis) {
        long since = keepingPings > 0 ? keepingPingAtMillis : pingSentAtMillis;
        return pingOnWire && !out.hasUnwritten() && nowMillis - since >= answerTimeoutMillis
                && out.makeRoom(PacketEncoder.PINGREQ_SIZE);
    }

    /**
     * Whether a PINGREQ for the broker's keep alive still waits for the socket: it must leave at
     * once, not wait for the acknowledgement of what is ahead of it (Nagle's algorithm on a thin
     * link). As a segment of its own it also makes the broker's TCP acknowledge again, which
     * tells ours at once that a segment ahead of it was lost; otherwise a lost last segment waits
     * for the retransmission timeout, 8.3 s in the link lab, and mosquitto closed the connection
     * after 7.5 s.
     */
    boolean keepingPingWaiting() {
        return keepingPings > 0 && out.written() < keepingPingEndOffset;
    }

    /** A PINGRESP arrived: the proof mark it carries, or -1 if it answers no PINGREQ of ours. */
    long answered(long nowMillis) {
        if (staleAnswers > 0) {
            staleAnswers--;
            return -1;
        }
        if (!pingOutstanding) {
            return -1;
        }
        pingOutstanding = false;
        staleAnswers = keepingPings;
        keepingPings = 0;
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
                long due = Math.max(pingSentAtMillis + pingAnswerWindowMillis, lastReadMillis + pingSilenceMillis);
                // Held off as the last look allows; each look decides again.
                due = Math.max(due, heldUntil());
                if (!out.hasUnwritten()) {
                    due = Math.min(due, (keepingPings > 0 ? keepingPingAtMillis : pingSentAtMillis)
                            + answerTimeoutMillis);
                }
                return Math.min(due, pingWatch.nextLookMillis());
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
