package dev.sensorpub.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the calling thread allocates, through HotSpot's per-thread counter
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}), in steady state.
 *
 * <p>Steady state means after warm-up. While the JIT is still finishing (on-stack replacement,
 * a deoptimisation), the JVM itself may allocate one object of 64 to 1,000 bytes once; that is
 * the JVM warming up, not our code. So a measurement is repeated, at most five times, until a
 * window allocates nothing, and the smallest window counts. Code that allocates per message
 * (or per round) allocates in every window and still fails.
 */
public final class AllocationMeter {
    /** Work to measure; it may throw so tests of code with checked exceptions stay plain. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /** A run that measures its own allocation (for code that reports it, like the bench). */
    @FunctionalInterface
    public interface SelfMeasured {
        long allocatedBytes() throws Exception;
    }

    private static final int WINDOWS = 5;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    /** Bytes allocated so far by the calling thread. */
    public static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Runs {@code warmUp} once, then returns the bytes one steady-state run of {@code measured} allocates. */
    public static long steadyStateBytes(Work warmUp, Work measured) throws Exception {
        return steadyState(warmUp, () -> {
            current(); // the counter's own first-call cost stays outside the window
            long before = current();
            measured.run();
            return current() - before;
        });
    }

    /** {@code rounds} calls of {@code body} as warm-up, then the bytes of {@code rounds} more in steady state. */
    public static long steadyStateBytes(int rounds, Runnable body) {
        Work repeat = () -> {
            for (int i = 0; i < rounds; i++) {
                body.run();
            }
        };
        try {
            return steadyStateBytes(repeat, repeat);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    /** Like {@link #steadyStateBytes}, for a run that reports the bytes it allocated. */
    public static long steadyState(Work warmUp, SelfMeasured measured) throws Exception {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
        }
        warmUp.run();
        long least = Long.MAX_VALUE;
        for (int window = 0; window < WINDOWS && least != 0; window++) {
            least = Math.min(least, measured.allocatedBytes());
        }
        return least;
    }
}
