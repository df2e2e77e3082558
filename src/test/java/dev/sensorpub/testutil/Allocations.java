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

    /** Runs {@code body} after a warm-up of the same size and returns what the measured run allocated. */
    public static long measure(int rounds, Runnable body) {
        for (int i = 0; i < rounds; i++) {
            body.run();
        }
        current(); // the measuring call's own first-use cost stays outside the measured region
        long before = current();
        for (int i = 0; i < rounds; i++) {
            body.run();
        }
        return current() - before;
    }
}
