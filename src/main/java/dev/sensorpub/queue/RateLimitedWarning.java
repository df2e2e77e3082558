package dev.sensorpub.queue;

import dev.sensorpub.log.Logger;
import dev.sensorpub.log.RateLimiter;
import java.time.Duration;

/**
 * Turns a stream of identical events (a dropped message) into at most one log line per interval
 * carrying the count since the previous line. Counting allocates nothing; only the line does.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final String event;
    private final long intervalSeconds;
    private final RateLimiter limiter;
    private boolean anyLine;

    RateLimitedWarning(Logger log, String event, long intervalNanos) {
        this.log = log;
        this.event = event;
        this.intervalSeconds = intervalNanos / 1_000_000_000L;
        this.limiter = new RateLimiter(1, Duration.ofNanos(intervalNanos));
    }

    void occurred(long nowNanos) {
        if (limiter.tryAcquire(0, nowNanos)) {
            long count = limiter.refusedBefore(0) + 1L;
            log.warn(event + ": " + count + (anyLine ? " since the last report" : " (further reports at most every "
                    + intervalSeconds + " s)"));
            anyLine = true;
        }
    }
}
