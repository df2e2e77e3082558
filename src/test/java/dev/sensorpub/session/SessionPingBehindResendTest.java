package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A PINGREQ behind our own bytes on a thin shared link with loss: the link lab's 8 kbit/s shared
 * link, 5% loss, QoS 0, keep alive 5 s. After the first connect the agent wrote one segment per
 * reading, the shaper's queue grew (round trip 2.7 s), one segment ahead of the PINGREQ was lost
 * and resent 1.6 s later from behind that queue, and the broker's answer came 7.8 s after the last
 * packet received: 0.3 s after the session had declared the link dead (1.5 keep alives).
 * Meanwhile the broker's TCP kept acknowledging the bytes ahead of the PINGREQ. Here the test
 * plays the kernel's acknowledgements through {@link ScriptedTransport#acknowledged}.
 */
class SessionPingBehindResendTest {
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).reconnectDelays(1_000, 2_000, 10_000));

    /** Connects with the kernel's view known: nothing acknowledged yet, no resend timed out. */
    private void connectWithTheKernelTelling() {
        s.socket.acknowledged = 0;
        s.socket.resendTimeouts = 0;
        s.connect(ScriptedSession.CONNACK);
    }

    /** Offset just past the first PINGREQ in what the client wrote, or -1. */
    private int pingEnd() {
        byte[] bytes = s.socket.written();
        for (int at = 0; at < bytes.length; at = ScriptedSession.packetEnd(bytes, at)) {
            if ((bytes[at] & 0xFF) == 0xC0) {
                return ScriptedSession.packetEnd(bytes, at);
            }
        }
        return -1;
    }

    /**
     * Readings every 100 ms for {@code millis}; the broker's TCP acknowledges what was written
     * {@code lagRounds} rounds ago, but never the PINGREQ nor what follows it (a lost segment
     * ahead of it waits for its resend); with {@code ackedUpTo} >= 0 it acknowledges no more than that.
     */
    private void readings(long millis, int lagRounds, long ackedUpTo, int[] history) {
        for (int i = 0; i < millis / 100; i++) {
            s.append("pi/t", "r", 0);
            s.step(100);
            int written = s.socket.written().length;
            System.arraycopy(history, 1, history, 0, history.length - 1);
            history[history.length - 1] = written;
            long acked = history[Math.max(0, history.length - 1 - lagRounds)];
            int ping = pingEnd();
            if (ping > 0) {
                acked = Math.min(acked, ping - 3); // the hole: a segment ahead of the ping
            }
            if (ackedUpTo >= 0) {
                acked = Math.min(acked, ackedUpTo);
            }
            s.socket.acknowledged = Math.max(s.socket.acknowledged, acked);
            if (s.session.state() != LinkState.CONNECTED) {
                return;
            }
        }
    }

    @Test
    void aPingStillCrossingBehindOurAcknowledgedBytesIsNotDeadAfterOneAndAHalfKeepAlives() {
        connectWithTheKernelTelling();
        int[] history = new int[30];
        readings(8_000, 20, -1, history); // 2 s behind: the shaper's queue
        assertTrue(pingEnd() > 0, "a PINGREQ went out: " + s.written());
        assertEquals(LinkState.CONNECTED, s.session.state(),
                "8 s without an answer while the broker's TCP still acknowledges the bytes ahead of the PINGREQ");
        s.socket.deliver(PINGRESP); // the answer, once the resend filled the hole
        readings(200, 20, -1, history);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    /**
     * The lab run after a first fix: two segments ahead of the PINGREQ lost, the broker's duplicate
     * acknowledgements moved nothing for 5.5 s while the resends crossed a queue of 2.8 s (TCP's
     * retransmission timer, 5.7 to 8.4 s, never expired), and the answer was due after more than
     * 9.5 s of silence. Still crossing as long as the kernel has not timed out a resend.
     */
    @Test
    void acknowledgementsStalledBehindAResendWithinTcpsScheduleHoldOffTheVerdict() {
        connectWithTheKernelTelling();
        int[] history = new int[30];
        readings(3_000, 20, -1, history);
        long stalled = s.socket.acknowledged;
        readings(5_500, 20, stalled, history); // duplicate acknowledgements only
        readings(1_500, 20, -1, history); // the resend landed
        assertEquals(LinkState.CONNECTED, s.session.state(), "10 s of silence, the resend in TCP's schedule");
        s.socket.deliver(PINGRESP);
        readings(200, 20, -1, history);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    /**
     * The lab again: the resend landed after 10 s of silence, the broker's TCP acknowledged
     * everything up to past the PINGREQ in one segment and sent the PINGRESP in the next (lost
     * there, and resent). The answer is one trip behind: not dead when a look first sees the
     * PINGREQ acknowledged, for half a keep alive.
     */
    @Test
    void aPingJustAcknowledgedByTheBrokersTcpGetsHalfAKeepAliveForItsAnswer() {
        connectWithTheKernelTelling();
        int[] history = new int[30];
        readings(3_000, 20, -1, history);
        readings(7_000, 20, s.socket.acknowledged, history); // the hole: nothing more acknowledged
        assertEquals(LinkState.CONNECTED, s.session.state(), "held off: TCP has not timed out its resend");
        s.socket.acknowledged = s.socket.written().length; // the resend landed: all acknowledged
        for (int i = 0; i < 20; i++) { // 2 s: the PINGRESP lost, TCP resends it
            s.append("pi/t", "r", 0);
            s.step(100);
            s.socket.acknowledged = s.socket.written().length;
        }
        assertEquals(LinkState.CONNECTED, s.session.state(), "its answer is on its way");
        s.socket.deliver(PINGRESP);
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    /**
     * The PINGREQ crosses behind our readings, the broker's TCP acknowledges it 2 s after it left
     * and the PINGRESP does not come (lost: the broker's TCP resends it after its retransmission
     * timeout, which on a thin link with our bytes queued ahead of its acknowledgements lasts
     * seconds). Readings go on and are acknowledged at once. Returns the milliseconds from the
     * connect until the link was declared dead, or -1 if it still lives after {@code millis}.
     */
    private long acknowledgedPingWithoutAnswer(long retransmitTimeoutMillis, long millis) {
        connectWithTheKernelTelling();
        s.socket.retransmitTimeoutMillis = retransmitTimeoutMillis;
        long connectedAt = s.clock.monotonicMillis();
        long pingAt = -1;
        for (int i = 0; i < millis / 100; i++) {
            s.append("pi/t", "r", 0);
            s.step(100);
            long now = s.clock.monotonicMillis();
            if (s.session.state() != LinkState.CONNECTED) {
                return now - connectedAt;
            }
            int ping = pingEnd();
            if (ping > 0 && pingAt < 0) {
                pingAt = now;
            }
            s.socket.acknowledged = ping < 0 || now - pingAt < 2_000 ? Math.max(s.socket.acknowledged,
                    (ping < 0 ? s.socket.written().length : ping) - 1) : s.socket.written().length;
        }
        return -1;
    }

    /**
     * The lab's false dead link with a window of 128 at 8 kbit/s, 5% loss: 7.5 s of silence, the
     * PINGREQ acknowledged, its answer lost. With TCP's retransmission timeout at 2 s the broker's
     * resend is due after it; the verdict waits twice that (and a trip) after the acknowledgement.
     */
    @Test
    void anAcknowledgedPingsAnswerGetsTwiceTheRetransmissionTimeoutWhenThatIsLonger() {
        assertEquals(-1, acknowledgedPingWithoutAnswer(2_000, 8_600),
                "not dead after 1.5 keep alives of silence: the PINGRESP's resend is still due");
        s.socket.deliver(PINGRESP);
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.counters().deadLinksDetected);
    }

    /** A short retransmission timeout (a fast path) adds nothing: dead after 1.5 keep alives of silence. */
    @Test
    void aShortRetransmissionTimeoutLeavesTheAcknowledgedPingHalfAKeepAlive() {
        long deadAt = acknowledgedPingWithoutAnswer(200, 12_000);
        assertTrue(deadAt >= 7_500 && deadAt <= 7_600, "dead at " + deadAt + " ms after the connect");
        assertEquals(1, s.session.counters().deadLinksDetected);
    }

    /** However long the timeout TCP tells, never past 3 keep alives of silence. */
    @Test
    void aLongRetransmissionTimeoutNeverHoldsPastThreeKeepAlivesOfSilence() {
        long deadAt = acknowledgedPingWithoutAnswer(60_000, 20_000);
        assertTrue(deadAt >= 15_000 && deadAt <= 15_100, "dead at " + deadAt + " ms after the connect");
    }

    /**
     * An idle link's PINGREQ (nothing else of ours awaits an answer) that the broker's TCP
     * acknowledged by the first look: no time added, dead half a keep alive after it left, as
     * without the kernel (a broker that reads and never answers; {@code SessionBadBrokerTest}).
     */
    @Test
    void anIdlePingAcknowledgedByTheFirstLookIsDeadAfterTheAnswerTimeout() {
        connectWithTheKernelTelling();
        long pingAt = -1;
        for (int i = 0; i < 200 && s.session.state() == LinkState.CONNECTED; i++) {
            s.step(100);
            s.socket.acknowledged = s.socket.written().length;
            if (pingAt < 0 && pingEnd() > 0) {
                pingAt = s.clock.monotonicMillis();
            }
        }
        assertEquals(1, s.session.counters().deadLinksDetected);
        long deadAfter = s.clock.monotonicMillis() - pingAt;
        assertTrue(deadAfter >= 2_500 && deadAfter <= 2_600, "dead " + deadAfter + " ms after the PINGREQ left");
    }

    /**
     * The same link going black: the acknowledgements stop with it and TCP's retransmission timer
     * expires (here 2 s later): dead within a keep alive (and a look) of the last acknowledgement.
     */
    @Test
    void whenTheAcknowledgementsStopTheLinkIsDeadWithinAKeepAliveOfTheLastOne() {
        connectWithTheKernelTelling();
        int[] history = new int[30];
        long connectedAt = s.clock.monotonicMillis();
        readings(3_000, 20, -1, history);
        long frozenAt = s.clock.monotonicMillis() - connectedAt;
        long frozen = s.socket.acknowledged;
        readings(2_000, 20, frozen, history); // nothing more crosses
        s.socket.resendTimeouts = 1;
        readings(18_000, 20, frozen, history);
        assertEquals(1, s.session.counters().deadLinksDetected);
        long deadAt = s.clock.monotonicMillis() - connectedAt;
        assertTrue(deadAt <= Math.max(7_500, frozenAt + 5_000) + 1_300,
                "dead at " + deadAt + " ms: 1.5 keep alives after the last packet received, or one keep alive"
                        + " (and one look, 1.25 s) after the acknowledgements stopped at " + frozenAt + " ms");
    }

    /**
     * Acknowledgements that keep creeping towards the PINGREQ but no answer ever (a broker stuck
     * behind a live kernel): dead after 3 keep alives of silence, however long they creep.
     */
    @Test
    void creepingAcknowledgementsNeverHoldOffTheVerdictPastThreeKeepAlivesOfSilence() {
        connectWithTheKernelTelling();
        long connectedAt = s.clock.monotonicMillis();
        for (int i = 0; i < 300 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r", 0);
            s.step(100);
            int ping = pingEnd();
            // Half of what was written before the PINGREQ, then a byte a round, never the PINGREQ.
            s.socket.acknowledged = ping < 0 ? s.socket.written().length / 2
                    : Math.min(s.socket.acknowledged + 1, ping - 1);
        }
        assertEquals(1, s.session.counters().deadLinksDetected);
        long deadAfter = s.clock.monotonicMillis() - connectedAt;
        assertTrue(deadAfter >= 15_000 && deadAfter <= 15_100, "dead " + deadAfter + " ms after the connect");
    }

    /**
     * A broker whose TCP acknowledged the PINGREQ itself owes its answer (a proxy that stopped
     * forwarding acknowledges everything): dead after 1.5 keep alives, as before.
     */
    @Test
    void aPingTheBrokersTcpAcknowledgedIsDeadAfterOneAndAHalfKeepAlivesOfSilence() {
        connectWithTheKernelTelling();
        long connectedAt = s.clock.monotonicMillis();
        for (int i = 0; i < 100 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r", 0);
            s.step(100);
            s.socket.acknowledged = s.socket.written().length;
        }
        assertEquals(1, s.session.counters().deadLinksDetected);
        long deadAfter = s.clock.monotonicMillis() - connectedAt;
        assertTrue(deadAfter <= 7_600, "dead " + deadAfter + " ms after the connect");
    }
}
