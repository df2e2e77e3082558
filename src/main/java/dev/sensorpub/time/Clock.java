package dev.sensorpub.time;

/**
 * The two kinds of time the agent needs, kept apart because a Pi has no real-time clock: it
 * boots with a saved wall time and NTP may step it by days once a network is reached.
 *
 * <ul>
 *   <li>{@link #monotonicNanos()}: for every deadline, pacing, timeout and age. It never jumps.
 *       Its origin is arbitrary: only differences mean anything.</li>
 *   <li>{@link #epochMillis()}: only for stamps a person or a subscriber reads (payload
 *       timestamps, log lines, what is written to a file for a later boot). Never for a
 *       decision.</li>
 * </ul>
 *
 * Injected everywhere, so that tests step either clock instead of sleeping.
 */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };

    long monotonicNanos();

    long epochMillis();

    /** {@link #monotonicNanos()} in milliseconds: the unit of most deadlines. */
    default long monotonicMillis() {
        return monotonicNanos() / 1_000_000;
    }
}
