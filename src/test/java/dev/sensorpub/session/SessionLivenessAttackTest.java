package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
