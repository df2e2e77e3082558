package dev.sensorpub.session;

import dev.sensorpub.transport.TcpProgress;
import java.util.function.Supplier;

/**
 * When QoS 1 and 2 messages in flight with no acknowledgement mean a dead link: a broker that
 * stopped processing what we send is dead even while it keeps sending to us, which the keep
 * alive alone would not see before three keep alives.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>Messages in flight and no PUBACK, PUBREC or PUBCOMP for 2 keep alives: dead, unless the
 *       kernel shows our bytes still on their way or their answers one trip behind (see
 *       {@link CrossingWatch}). In the link lab, at 8 kbit/s with 5% loss and 89 in flight,
 *       10 s without an answer ended a live link in 1 of 17 runs: the window's bytes alone
 *       need 4 s there, and a lost segment waits seconds for TCP to resend it.</li>
 *   <li>The kernel is looked at from 1 keep alive without an answer, so that a resend timer
 *       found expired at 2 keep alives is judged with the movement before it; at 2 keep alives
 *       the bytes queued since are watched too.</li>
 *   <li>Never past 3 keep alives without an answer, whatever the kernel tells.</li>
 *   <li>Without the kernel's word (TLS, another OS) the verdict comes at 2 keep alives.</li>
 * </ul>
 */
final class InflightTimeout {
    private static final int TIMEOUT_KEEP_ALIVES = 2;
    private static final int LIMIT_KEEP_ALIVES = 3;

    private final long timeoutMillis;
    private final long limitMillis;
    /**
     * When the watch starts, one keep alive before the timeout: a look that finds TCP's resend
     * timer expired needs earlier looks to tell whether the bytes moved within the last keep
     * alive (a lost last segment on a live thin link) or stopped (a black hole).
     */
    private final long watchFromMillis;
    private final CrossingWatch watch;
    /** The start of the wait the watch looks at, or -1 while it watches none. */
    private long watchedSinceMillis = -1;
    /** Whether the watch took in the bytes committed up to the timeout, for the wait since {@link #watchedSinceMillis}. */
    private boolean extended;

    InflightTimeout(int keepAliveSeconds, long answerTimeoutMillis, long lookMillis, Supplier<TcpProgress> kernel) {
        long keepAliveMillis = keepAliveSeconds * 1000L;
        this.timeoutMillis = TIMEOUT_KEEP_ALIVES * keepAliveMillis;
        this.limitMillis = LIMIT_KEEP_ALIVES * keepAliveMillis;
        this.watchFromMillis = timeoutMillis - keepAliveMillis;
        this.watch = new CrossingWatch(kernel, keepAliveMillis, answerTimeoutMillis, lookMillis);
    }

    /** A new link: what the last one watched says nothing of it. */
    void reset() {
        watchedSinceMillis = -1;
    }

    /**
     * @param unansweredSinceMillis since when messages in flight got no answer, or -1 if none are in flight
     * @param committed the send buffer's running total of bytes queued so far
     * @return null while the link may live, else why it is dead
     */
    String check(long nowMillis, long unansweredSinceMillis, long committed, int inflight) {
        if (unansweredSinceMillis < 0 || nowMillis - unansweredSinceMillis < watchFromMillis) {
            return null;
        }
        if (watchedSinceMillis != unansweredSinceMillis) {
            watchedSinceMillis = unansweredSinceMillis;
            extended = false;
            watch.watch(committed, nowMillis);
        }
        long waited = nowMillis - unansweredSinceMillis;
        if (waited >= timeoutMillis && !extended) {
            // At the timeout, the bytes queued since the watch began are watched too, as when
            // the watch began there: a look that sees them crossing holds the verdict off.
            extended = true;
            watch.extend(committed, nowMillis);
        }
        watch.look(nowMillis);
        if (waited < timeoutMillis || waited < limitMillis && watch.heldUntil() > nowMillis) {
            return null;
        }
        return "no ack for " + waited + " ms, " + inflight + " in flight";
    }

    /** The latest time {@link #check} must run again for the wait since {@code unansweredSinceMillis}. */
    long deadlineMillis(long unansweredSinceMillis) {
        if (unansweredSinceMillis < 0) {
            return Long.MAX_VALUE;
        }
        if (watchedSinceMillis != unansweredSinceMillis) {
            return unansweredSinceMillis + watchFromMillis;
        }
        long verdict = Math.max(unansweredSinceMillis + timeoutMillis, watch.heldUntil());
        return Math.min(Math.min(watch.nextLookMillis(), verdict), unansweredSinceMillis + limitMillis);
    }
}
