package dev.sensorpub.queue;

import dev.sensorpub.log.Logger;

/**
 * Turns a stream of identical events (a dropped message) into at most one log line per interval
 * carrying the count since the previous line. Counting allocates nothing; only the line does.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final String event;
    private final long intervalNanos;
    private long unreported;
    private long lastLineNanos;
    private boolean anyLine;

    RateLimitedWarning(Logger log, String event, long intervalNanos) {
        this.log = log;
        this.event = event;
        this.intervalNanos = intervalNanos;
    }

    void occurred(long nowNanos) {
        unreported++;
        if (!anyLine || nowNanos - lastLineNanos >= intervalNanos) {
            log.warn(event + ": " + unreported + (anyLine ? " since the last report" : " (further reports at most every "
                    + intervalNanos / 1_000_000_000L + " s)"));
            unreported = 0;
            lastLineNanos = nowNanos;
            anyLine = true;
        }
    }
}
