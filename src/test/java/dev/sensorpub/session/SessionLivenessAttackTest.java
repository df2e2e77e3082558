package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on the liveness verdicts that ask the kernel (keep alive 5 s): a live thin link must
 * not be declared dead, a dead one must be found within the README's bounds, and the loop must
 * be woken in time for each verdict without spinning. The test plays the kernel through
 * {@link ScriptedTransport#acknowledged} and {@link ScriptedTransport#resendTimeouts}.
 */
class SessionLivenessAttackTest {
    /** An inbound QoS 0 PUBLISH on "c": another client's message, so that silence never ends the link. */
    private static final byte[] INBOUND = {0x30, 0x04, 0x00, 0x01, 'c', 'x'};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).reconnectDelays(60_000, 60_000, 10_000));

    private void connectWithTheKernelTelling() {
        s.socket.acknowledged = 0;
        s.socket.resendTimeouts = 0;
        s.socket.windowClosed = false;
        s.connect(ScriptedSession.CONNACK);
    }

    /** QoS {@code qos} readings every 100 ms for {@code millis}, no answer; the broker's TCP acknowledges {@code ackedPerStep} more each step. */
    private void unanswered(long millis, int qos, int ackedPerStep, boolean chatty) {
        for (int i = 0; i < millis / 100 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r" + i, qos);
            if (chatty) {
                s.socket.deliver(INBOUND);
            }
            s.step(100);
            int written = s.socket.written().length;
            s.socket.acknowledged = Math.min(written, s.socket.acknowledged + ackedPerStep);
        }
    }

    /**
     * A thin link whose broker's TCP acknowledged our bytes until a moment ago, when its last
     * segment was lost and TCP's timer expired once to resend it (a tail loss: no duplicate
     * acknowledgements to resend it sooner). The window's first look at 2 keep alives sees the
     * expiry and no movement it could compare with, although the bytes moved 100 ms before.
     */
    @Test
    void aWindowWhoseBytesMovedJustBeforeAResendTimeoutIsNotDeadAtTwoKeepAlives() {
        connectWithTheKernelTelling();
        unanswered(9_900, 1, 2, true);
        assertEquals(LinkState.CONNECTED, s.session.state());
        s.socket.resendTimeouts = 1; // the tail's resend timer expired: the resend is on its way
        unanswered(600, 1, 0, true);
        assertEquals(LinkState.CONNECTED, s.session.state(),
                "acknowledgements moved within the last keep alive: the window's bytes still cross");
        s.socket.resendTimeouts = 0;
        s.pubackQos1(new HashSet<>());
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    /** What the broker's TCP does to our bytes from the moment the script starts. */
    private enum Kernel { BLACK_HOLE, TAKES_ALL, ZERO_WINDOW, CREEPING, CREEPING_AFTER_EXPIRY, CREEPING_THEN_UNKNOWN }

    /**
     * Readings every 100 ms at QoS {@code qos}; the loop runs only at the deadlines the session
     * names (and at each reading), never spinning on one in the past. Returns how long after the
     * start the link was declared dead, or -1.
     */
    /** When the first PINGREQ left in the last {@link #deadlineDriven} run, or -1. */
    private long pingAt;

    private long deadlineDriven(long millis, int qos, Kernel kernel, boolean chatty) {
        return deadlineDriven(millis, qos, kernel, chatty, Long.MAX_VALUE);
    }

    /** As above, with readings only for the first {@code readingsMillis}: then the loop wakes only at deadlines. */
    private long deadlineDriven(long millis, int qos, Kernel kernel, boolean chatty, long readingsMillis) {
        long start = s.clock.monotonicMillis();
        long frozenAt = s.socket.written().length;
        long nextReading = start;
        long now = start;
        pingAt = -1;
        while (s.session.state() == LinkState.CONNECTED && now - start < millis) {
            if (now >= nextReading) {
                s.append("pi/t", "r", qos);
                if (chatty) {
                    s.socket.deliver(INBOUND);
                }
                nextReading = nextReading + 100 - start < readingsMillis ? nextReading + 100 : Long.MAX_VALUE;
            }
            long deadline = s.session.nextDeadlineMillis(now);
            assertTrue(deadline > now, "a deadline in the past: " + deadline + " at " + now);
            long next = Math.max(now + 1, Math.min(deadline, nextReading));
            s.step(next - now);
            now = s.clock.monotonicMillis();
            if (pingAt < 0 && s.written().contains("PINGREQ")) {
                pingAt = now;
            }
            switch (kernel) {
                case BLACK_HOLE -> s.socket.resendTimeouts = (int) Math.min(10, (now - start) / 300);
                case TAKES_ALL -> s.socket.acknowledged = s.socket.written().length;
                case CREEPING -> s.socket.acknowledged = Math.min(s.socket.written().length, s.socket.acknowledged + 1);
                case CREEPING_THEN_UNKNOWN -> s.socket.acknowledged = now - start >= 6_000 ? -1
                        : Math.min(s.socket.written().length, s.socket.acknowledged + 1);
                case CREEPING_AFTER_EXPIRY -> {
                    s.socket.acknowledged = Math.min(s.socket.written().length, s.socket.acknowledged + 1);
                    s.socket.resendTimeouts = 1;
                }
                case ZERO_WINDOW -> {
                    s.socket.acknowledged = frozenAt;
                    s.socket.windowClosed = true;
                }
            }
        }
        return s.session.state() == LinkState.CONNECTED ? -1 : now - start;
    }

    /** From a fresh link, dead 1.5 keep alives after the CONNACK, the last packet received (looks add up to a quarter). */
    private void assertFoundAfterOneAndAHalfKeepAlives(int qos, Kernel kernel, long readingsMillis) {
        connectWithTheKernelTelling();
        long dead = deadlineDriven(30_000, qos, kernel, false, readingsMillis);
        assertTrue(dead >= 7_500 && dead <= 7_500 + 1_250, kernel + " QoS " + qos + ": dead after " + dead + " ms");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aBlackHoleIsFoundWithinOneAndAHalfKeepAlivesAndALookAtEachQos(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.BLACK_HOLE, Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aBrokerWhoseTcpTakesEverythingButNeverAnswersIsFoundWithinOneAndAHalfKeepAlives(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.TAKES_ALL, Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aChattyBrokerThatStoppedReadingIsFoundWithinThreeKeepAlives(int qos) {
        connectWithTheKernelTelling();
        long dead = deadlineDriven(30_000, qos, Kernel.ZERO_WINDOW, true);
        // QoS 0 has no window to time out: its PINGREQ, 3 keep alives after it left
        long bound = qos == 0 ? pingAt - s.clock.monotonicMillis() + dead + 15_000 : 10_000;
        assertTrue(dead > 0 && dead <= bound + 1_250, "QoS " + qos + ": dead after " + dead + " ms");
    }

    /**
     * A broker process that hangs (stopped, or stuck) once its socket's receive buffer is full:
     * its TCP acknowledges nothing more and announces a zero window; ours keeps the bytes and
     * probes the window, so TCP's retransmission timer never expires ({@code retrnsmt} stays 0).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aHungBrokerWhoseWindowIsClosedIsFoundWithinOneAndAHalfKeepAlives(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.ZERO_WINDOW, Long.MAX_VALUE);
    }

    /** A few readings, then nothing to wake the loop but its own deadlines: the verdict must not be slept past. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aBlackHoleAfterAFewReadingsIsFoundAtTheDeadlinesTheSessionNames(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.BLACK_HOLE, 1_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aHungBrokerAfterAFewReadingsIsFoundAtTheDeadlinesTheSessionNames(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.ZERO_WINDOW, 1_000);
    }

    /** Acknowledgements that creep on for ever, the broker silent: held, never past 3 keep alives, without spinning. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void creepingAcknowledgementsHoldNoVerdictPastThreeKeepAlivesOfSilence(int qos) {
        for (Kernel kernel : new Kernel[] {Kernel.CREEPING, Kernel.CREEPING_AFTER_EXPIRY}) {
            connectWithTheKernelTelling();
            long dead = deadlineDriven(30_000, qos, kernel, false, 1_000);
            assertTrue(dead >= 7_500 && dead <= 15_000 + 1_250, kernel + " QoS " + qos + ": dead after " + dead + " ms");
        }
    }

    /**
     * The kernel stops telling in the middle of a hold (the table unreadable, the line gone): what
     * an earlier look saw must not hold the verdict on, the session decides without the kernel.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aKernelThatStopsTellingHoldsNothingOn(int qos) {
        assertFoundAfterOneAndAHalfKeepAlives(qos, Kernel.CREEPING_THEN_UNKNOWN, 1_000);
    }

    /**
     * The broker's TCP acknowledges our bytes one round trip (300 ms) after they left, but its
     * PUBACKs wait behind a lost segment of its own until its TCP resends it, 1 s after the
     * timeout; it sends other clients' QoS 1 messages, which we acknowledge: what we wrote just
     * before the timeout is still crossing then, so the verdict waits as it did when the
     * window's first look came at the timeout.
     */
    @Test
    void aWindowWhoseNewestBytesStillCrossAtTheTimeoutIsNotDeadThen() {
        connectWithTheKernelTelling();
        int[] history = new int[4];
        for (int i = 0; i < 110 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r" + i, 1);
            // another client's QoS 1 message: our PUBACK is new bytes crossing at every step
            s.socket.deliver(new byte[] {0x32, 0x06, 0x00, 0x01, 'c', 0x00, (byte) (i + 1), 'x'});
            s.step(100);
            System.arraycopy(history, 1, history, 0, history.length - 1);
            history[history.length - 1] = s.socket.written().length;
            s.socket.acknowledged = history[0];
        }
        assertEquals(LinkState.CONNECTED, s.session.state(), "11 s without a PUBACK, the newest readings crossing at 10 s");
        s.pubackQos1(new HashSet<>());
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }
}
