package dev.sensorpub.session;

import java.util.function.BooleanSupplier;

/** Runs a session's loop on the test thread, the way the agent does, until a condition holds. */
final class SessionLoop {
    private SessionLoop() {
    }

    static long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Services every session until {@code done} is true; false if {@code timeoutMillis} passed first. */
    static boolean runUntil(BooleanSupplier done, long timeoutMillis, MqttSession... sessions) {
        long deadline = nowMillis() + timeoutMillis;
        while (!done.getAsBoolean()) {
            long now = nowMillis();
            if (now >= deadline) {
                return false;
            }
            long wake = deadline;
            for (MqttSession s : sessions) {
                s.service(now);
                wake = Math.min(wake, s.nextDeadlineMillis(now));
            }
            if (done.getAsBoolean()) {
                return true;
            }
            // With several sessions on one thread none may sleep long: poll in short steps.
            long wait = Math.max(0, Math.min(wake - nowMillis(), sessions.length > 1 ? 2 : 50));
            sessions[0].await(wait);
        }
        return true;
    }

    /** Services for a while regardless of any condition (to let time-based behaviour happen). */
    static void runFor(long millis, MqttSession... sessions) {
        runUntil(() -> false, millis, sessions);
    }
}
