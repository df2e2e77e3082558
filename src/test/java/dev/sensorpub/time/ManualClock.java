package dev.sensorpub.time;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock a test moves by hand. {@link #advance} moves both clocks, as real time passing does;
 * {@link #stepWall} moves only the wall clock, as NTP stepping a Pi's clock does.
 */
public final class ManualClock implements Clock {
    /** Arbitrary, not 0: nothing may assume the monotonic clock starts anywhere in particular. */
    private long nanos = 123_456_789_000L;
    private long epochMillis;

    public ManualClock(Instant wall) {
        this.epochMillis = wall.toEpochMilli();
    }

    public ManualClock() {
        this(Instant.parse("2026-11-21T10:00:00Z"));
    }

    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("time does not run backwards: " + step);
        }
        nanos += step.toNanos();
        epochMillis += step.toMillis();
    }

    /** Allocates nothing (no Duration), so allocation tests that move the clock measure only the code under test. */
    public void advanceMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("time does not run backwards: " + millis + " ms");
        }
        nanos += millis * 1_000_000L;
        epochMillis += millis;
    }

    /** Steps the wall clock only (either direction), as NTP does after a boot without an RTC. */
    public void stepWall(Duration step) {
        epochMillis += step.toMillis();
    }

    @Override
    public long monotonicNanos() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }
}
