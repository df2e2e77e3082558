package dev.sensorpub.testutil;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread, as the HotSpot thread MX bean counts them. */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    public static long current() {
        return BEAN.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code body} {@code rounds} times as warm-up, then measures up to three more runs of
     * {@code rounds} and returns the smallest. Code that allocates per call allocates in every
     * run; a one-off (the JIT swapping in compiled code mid-run on a busy 2-core machine,
     * a constant resolved late) shows in one run only, and must not fail the check.
     */
    public static long measure(int rounds, Runnable body) {
        for (int i = 0; i < rounds; i++) {
            body.run();
        }
        current(); // the measuring call's own first-use cost stays outside the measured region
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++) {
            long before = current();
            for (int i = 0; i < rounds; i++) {
                body.run();
            }
            least = Math.min(least, current() - before);
        }
        return least;
    }
}
