package dev.sensorpub.log;

/**
 * The two times logging needs: wall-clock milliseconds for the timestamp a person reads, and a
 * monotonic nanosecond count for folding windows (immune to NTP jumping the wall clock, which a
 * Pi without a real-time clock does at every boot). Tests substitute a hand-driven clock.
 */
public interface LogClock {
    LogClock SYSTEM = new LogClock() {
        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    long epochMillis();

    long nanoTime();
}
