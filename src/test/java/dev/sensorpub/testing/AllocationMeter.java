package dev.sensorpub.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the calling thread allocates, through HotSpot's per-thread counter
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 */
public final class AllocationMeter {
    /** Work to measure; it may throw so tests of code with checked exceptions stay plain. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    /**
     * Runs {@code work} once unmeasured (to warm up and to let classes load), then measures
     * exactly one more run. The work itself should loop as many rounds as the test needs.
     */
    public static long bytesAllocatedBy(Work warmUp, Work measured) throws Exception {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
        }
        warmUp.run();
        // The first calls of the counter itself may allocate; make them before the measured region.
        THREADS.getCurrentThreadAllocatedBytes();
        THREADS.getCurrentThreadAllocatedBytes();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        measured.run();
        long after = THREADS.getCurrentThreadAllocatedBytes();
        return after - before;
    }
}
