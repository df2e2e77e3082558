package dev.sensorpub.queue;

import dev.sensorpub.time.Clock;

/**
 * When a record's {@code max-age} runs out. While the process lives a deadline is monotonic
 * ({@link Clock#monotonicMillis()}), so NTP stepping the wall clock neither expires readings
 * early nor keeps them longer. A monotonic time means nothing after a reboot, so the file ring
 * writes the deadline as wall time and converts it back once, at recovery: a wall step between
 * two boots can shift only the deadlines of records from an earlier boot. Files written before
 * this change held wall deadlines too and recover the same way.
 */
public final class ExpiryDeadlines {
    /** The deadline of a record that never expires. */
    public static final long NEVER = 0;

    private ExpiryDeadlines() {
    }

    /** The monotonic deadline {@code maxAgeMillis} after {@code nowMonotonicMillis}; NEVER for 0. */
    public static long after(long nowMonotonicMillis, long maxAgeMillis) {
        if (maxAgeMillis == 0) {
            return NEVER;
        }
        return nonZero(nowMonotonicMillis + maxAgeMillis);
    }

    /** For the disk: the wall time at which {@code monotonicDeadline} will be reached. */
    static long toWall(Clock clock, long monotonicDeadline) {
        if (monotonicDeadline == NEVER) {
            return NEVER;
        }
        return nonZero(clock.epochMillis() + (monotonicDeadline - clock.monotonicMillis()));
    }

    /** From the disk: {@code monotonicMinusWall} is read once per recovery. */
    static long toMonotonic(long wallDeadline, long monotonicMinusWall) {
        return wallDeadline == NEVER ? NEVER : nonZero(wallDeadline + monotonicMinusWall);
    }

    /** A monotonic clock may pass through 0; a deadline there moves by a millisecond. */
    private static long nonZero(long deadline) {
        return deadline == NEVER ? 1 : deadline;
    }
}
