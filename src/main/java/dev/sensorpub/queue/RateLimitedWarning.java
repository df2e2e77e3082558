package dev.sensorpub.queue;

import dev.sensorpub.log.Logger;

/**
 * Turns a stream of identical events (a dropped message) into at most one log line per interval,
 * each carrying the exact count since the previous line: the first event is reported at once,
 * later ones when an event or a {@link #flush} comes an interval after the last line, so a burst
 * that stops inside the interval is still counted in full. Counting allocates nothing; only the
 * line does. Times are monotonic nanoseconds.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final String event;
    private final long intervalNanos;
    private boolean anyLine;
    private long lastLineNanos;
    private long unreported;

    RateLimitedWarning(Logger log, String event, long intervalNanos) {
        this.log = log;
        this.event = event;
        this.intervalNanos = intervalNanos;
    }

    void occurred(long nowNanos) {
        unreported++;
        flush(nowNanos);
    }

    /** Reports the events not yet reported if the interval since the last line has passed. */
    void flush(long nowNanos) {
        if (unreported == 0 || anyLine && nowNanos - lastLineNanos < intervalNanos) {
            return;
        }
        log.warn(line(event, unreported, anyLine, intervalNanos / 1_000_000_000L));
        anyLine = true;
        lastLineNanos = nowNanos;
        unreported = 0;
    }

    /** The first line says how often the sums come; the later ones are the sums. */
    static String line(String event, long count, boolean sum, long intervalSeconds) {
        return event + ": " + count + (sum ? " since last line" : " (sums every " + intervalSeconds + " s)");
    }
}
