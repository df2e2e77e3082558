package dev.sensorpub.log;

import java.time.Duration;
import java.time.Instant;

/** A clock the test moves by hand; wall and monotonic time advance together. */
final class FakeClock implements LogClock {
    private long epochMillis;
    private long nanos = 123_456_789L;   // arbitrary: nothing may assume the monotonic clock starts at 0

    FakeClock(Instant start) {
        this.epochMillis = start.toEpochMilli();
    }

    void advance(Duration step) {
        epochMillis += step.toMillis();
        nanos += step.toNanos();
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }
}
