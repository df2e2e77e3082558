package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QoS 1 messages in flight and no PUBACK for 2 keep alives. In the link lab (8 kbit/s, 5% loss,
 * keep alive 5 s) a live link was declared dead with "no acknowledgement for 10000 ms with 89 in
 * flight": the window's bytes need seconds to cross there and a lost segment waits for TCP to
 * resend it. A broker that takes our bytes and never answers must still be dead at 2 keep alives.
 * The test plays the kernel's acknowledgements through {@link ScriptedTransport#acknowledged}.
 */
class SessionWindowBehindResendTest {
    /** An inbound QoS 0 PUBLISH on "c": another client's message, so that silence never ends the link. */
    private static final byte[] INBOUND = {0x30, 0x04, 0x00, 0x01, 'c', 'x'};
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).reconnectDelays(60_000, 60_000, 10_000));

    private void connectWithTheKernelTelling() {
        s.socket.acknowledged = 0;
        s.socket.resendTimeouts = 0;
        s.connect(ScriptedSession.CONNACK);
    }

    /**
     * QoS 1 readings every 100 ms for {@code millis} and no answer; each step the broker's TCP
     * acknowledges {@code ackedPerStep} more bytes of what was written (all of it if negative),
     * and with {@code chatty} the broker sends another client's message.
     */
    private void unanswered(long millis, int ackedPerStep, boolean chatty) {
        for (int i = 0; i < millis / 100 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r" + i, 1);
            if (chatty) {
                s.socket.deliver(INBOUND);
            }
            s.step(100);
            int written = s.socket.written().length;
            if (s.socket.acknowledged >= 0) { // -1: the system does not tell
                s.socket.acknowledged = ackedPerStep < 0 ? written : Math.min(written, s.socket.acknowledged + ackedPerStep);
            }
        }
    }

    @Test
    void aWindowWhoseBytesTheBrokersTcpStillAcknowledgesIsNotDeadAfterTwoKeepAlives() {
        connectWithTheKernelTelling();
        unanswered(12_000, 2, false); // 20 bytes a second: a lost segment's resend from behind a queue
        assertTrue(s.written().stream().filter(p -> p.startsWith("PUBLISH q1")).count() > 5, s.written().toString());
        assertEquals(LinkState.CONNECTED, s.session.state(),
                "12 s without a PUBACK while the broker's TCP still acknowledges our bytes");
        s.pubackQos1(new HashSet<>());
        s.socket.deliver(PINGRESP);
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    @Test
    void creepingAcknowledgementsNeverHoldTheWindowPastThreeKeepAlives() {
        connectWithTheKernelTelling();
        long start = s.clock.monotonicMillis();
        unanswered(30_000, 2, true);
        long waited = s.clock.monotonicMillis() - start;
        assertEquals(1, s.session.counters().deadLinksDetected);
        assertTrue(waited >= 12_000 && waited <= 15_200, "dead by 3 keep alives after the first PUBLISH: " + waited);
    }

    @Test
    void aBrokerWhoseTcpTookEverythingButNeverAnswersIsDeadAfterTwoKeepAlives() {
        try (CapturedLog log = new CapturedLog()) {
            connectWithTheKernelTelling();
            long start = s.clock.monotonicMillis();
            unanswered(30_000, -1, true);
            long waited = s.clock.monotonicMillis() - start;
            assertEquals(1, s.session.counters().deadLinksDetected);
            assertTrue(waited >= 10_000 && waited <= 10_500, "dead 2 keep alives after the first PUBLISH: " + waited);
            List<String> dead = log.containing("link dead");
            assertEquals(1, dead.size(), log.lines().toString());
            assertTrue(dead.get(0).contains("no ack for"), dead.get(0));
        }
    }

    @Test
    void withoutTheKernelsWordTheWindowIsDeadAfterTwoKeepAlives() {
        s.connect(ScriptedSession.CONNACK); // acknowledged stays -1: the system does not tell
        long start = s.clock.monotonicMillis();
        unanswered(30_000, 2, true);
        long waited = s.clock.monotonicMillis() - start;
        assertEquals(1, s.session.counters().deadLinksDetected);
        assertTrue(waited >= 10_000 && waited <= 10_500, "dead 2 keep alives after the first PUBLISH: " + waited);
    }
}
