package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;

/** Checks that waiting ends when the caller says, the property every deadline in the session relies on. */
final class TransportAssertions {
    /** Scheduling slack on a busy 2-core machine; a wait that ignores its timeout is off by seconds, not this. */
    private static final long LATE_MILLIS = 1_500;

    private TransportAssertions() {
    }

    /** await sleeps for its whole timeout (nothing arrives) and returns soon after it. */
    static void assertAwaitSleepsItsTimeout(Transport transport, long timeoutMillis, boolean wantWrite)
            throws IOException {
        long start = System.nanoTime();
        transport.await(timeoutMillis, wantWrite);
        assertEndedOnTime(start, timeoutMillis, "await");
    }

    /** A connect (and handshake) that never completes ends at the caller's deadline with a clear message. */
    static void assertOpenGivesUpAtTheDeadline(Transport transport, Endpoint endpoint, long timeoutMillis) {
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                () -> Drive.open(transport, endpoint, timeoutMillis));
        assertEndedOnTime(start, timeoutMillis, "open");
        assertTrue(e.getMessage().equals("connect to " + endpoint.hostAndPort() + " timed out after " + timeoutMillis
                + " ms"), e.getMessage());
    }

    private static void assertEndedOnTime(long startNanos, long timeoutMillis, String what) {
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(elapsedMillis >= timeoutMillis - 10 && elapsedMillis < timeoutMillis + LATE_MILLIS,
                what + " with a " + timeoutMillis + " ms timeout took " + elapsedMillis + " ms");
    }
}
