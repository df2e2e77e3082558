package dev.sensorpub.session;

import dev.sensorpub.transport.TcpProgress;
import java.util.function.Supplier;

/**
 * Whether bytes of ours whose answer is overdue are provably still on their way, from what the
 * kernel tells of the connection (Linux, plain TCP; elsewhere never): a thin link with loss is
 * slow, not dead, and the session must not end it for that.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>Watched bytes the broker's TCP has not acknowledged yet are on their way while it
 *       acknowledged more of ours within the last keep alive, or while TCP's retransmission timer
 *       has not expired since the last acknowledgement (a resend from behind a queue of several
 *       seconds, answered by duplicate acknowledgements, moves nothing until it lands: 5.4 s in
 *       the link lab). A black hole stops the acknowledgements and lets that timer expire; a
 *       broker that stopped reading closes its window, and TCP probes it with that timer
 *       stopped: its bytes wait, none cross, as after an expiry.</li>
 *   <li>Once acknowledged, their answer is one trip behind: held for the answer timeout after a
 *       look first saw that, or for twice TCP's retransmission timeout and one trip if longer (a
 *       lost answer waits for the broker's resend, whose timeout on this path is near ours: both
 *       round trips cross both queues). With a window of 128 at 8 kbit/s and 5% loss, 7.5 s of
 *       silence after an acknowledgement at 2.5 s ended a live link, 1 of 32 runs; in the lab a
 *       look saw an acknowledgement alone after 10.5 s of silence, the answer 33 ms behind it.</li>
 *   <li>Only bytes a look saw still crossing get that time: ones acknowledged at the first look
 *       (an idle link, a proxy that acknowledges everything) are judged as without the kernel.</li>
 *   <li>The kernel is read once per look, a look at most every {@code lookMillis}: it reads a
 *       file and allocates. Callers bound the hold with their own limit.</li>
 * </ul>
 */
final class CrossingWatch {
    /** A time long past: {@link #heldUntil} when nothing holds. */
    static final long NEVER = Long.MIN_VALUE / 2;
    /** Added to twice the retransmission timeout for an acknowledged packet's answer: its trip to us. */
    private static final long ANSWER_TRIP_MILLIS = 500;

    private final Supplier<TcpProgress> kernel;
    private final long keepAliveMillis;
    private final long answerTimeoutMillis;
    private final long lookMillis;

    /** Send-buffer offset the watched bytes end at. */
    private long endOffset;
    /** The broker's TCP acknowledgements at the last look, or -1 before one (or when the kernel does not tell). */
    private long ackedAtLook = -1;
    /** When the next look is due; {@link Long#MAX_VALUE} when the kernel does not tell. */
    private long nextLookMillis = Long.MAX_VALUE;
    /** When a look last found more of our bytes acknowledged than the one before, or {@link #NEVER}. */
    private long ackMovedAtMillis = NEVER;
    /** At the last look: TCP's resend timer expired since the broker last acknowledged new bytes, or its window is closed. */
    private boolean stalledAtLook;
    /** When a look first found the watched bytes acknowledged after one had seen them crossing, or {@link #NEVER}. */
    private long ackedSeenAtMillis = NEVER;
    /** Whether the last look since the watched bytes were named found them still crossing. */
    private boolean crossingAtLook;
    /** The longest retransmission timeout TCP told at this watch's looks, or -1. */
    private long retransmitTimeoutMillis = -1;

    CrossingWatch(Supplier<TcpProgress> kernel, long keepAliveMillis, long answerTimeoutMillis, long lookMillis) {
        this.kernel = kernel;
        this.keepAliveMillis = keepAliveMillis;
        this.answerTimeoutMillis = answerTimeoutMillis;
        this.lookMillis = lookMillis;
    }

    /** Starts watching the bytes up to {@code endOffset}; the first look is due at {@code firstLookMillis}. */
    void watch(long endOffset, long firstLookMillis) {
        this.endOffset = endOffset;
        ackedAtLook = -1;
        nextLookMillis = firstLookMillis;
        ackMovedAtMillis = NEVER;
        ackedSeenAtMillis = NEVER;
        crossingAtLook = false;
        retransmitTimeoutMillis = -1;
    }

    /**
     * Watches the bytes up to {@code endOffset} from now on, keeping what earlier looks saw of the
     * acknowledgements' movement; as with {@link #watch}, only a later look that sees them crossing
     * gives them the acknowledged grace. The next look is due at once, unless the kernel does not tell.
     */
    void extend(long endOffset, long nowMillis) {
        this.endOffset = endOffset;
        ackedSeenAtMillis = NEVER;
        crossingAtLook = false;
        if (nextLookMillis != Long.MAX_VALUE) {
            nextLookMillis = nowMillis;
        }
    }

    /** Reads the kernel if a look is due. */
    void look(long nowMillis) {
        if (nowMillis < nextLookMillis) {
            return;
        }
        TcpProgress tcp = kernel.get();
        if (!tcp.known()) {
            // The kernel does not tell (any more): the caller decides without it, not on what an
            // earlier look saw (the table unreadable, or the line gone as the connection closes).
            ackedAtLook = -1;
            nextLookMillis = Long.MAX_VALUE;
            return;
        }
        long acked = tcp.acknowledgedBytes();
        if (ackedAtLook >= 0 && acked > ackedAtLook) {
            ackMovedAtMillis = nowMillis;
        }
        if (acked >= endOffset && crossingAtLook) {
            ackedSeenAtMillis = nowMillis;
        }
        ackedAtLook = acked;
        crossingAtLook = acked < endOffset;
        stalledAtLook = tcp.resendTimeouts() != 0 || tcp.windowClosed();
        retransmitTimeoutMillis = Math.max(retransmitTimeoutMillis, tcp.retransmitTimeoutMillis());
        nextLookMillis = nowMillis + lookMillis;
    }

    /** Until when the last look holds an overdue verdict off; {@link #NEVER} if it does not. */
    long heldUntil() {
        if (ackedAtLook < 0) {
            return NEVER;
        }
        if (ackedAtLook >= endOffset) {
            return ackedSeenAtMillis + acknowledgedGraceMillis();
        }
        return stalledAtLook ? ackMovedAtMillis + keepAliveMillis : Long.MAX_VALUE;
    }

    long nextLookMillis() {
        return nextLookMillis;
    }

    private long acknowledgedGraceMillis() {
        return retransmitTimeoutMillis < 0 ? answerTimeoutMillis
                : Math.max(answerTimeoutMillis, 2 * retransmitTimeoutMillis + ANSWER_TRIP_MILLIS);
    }
}
