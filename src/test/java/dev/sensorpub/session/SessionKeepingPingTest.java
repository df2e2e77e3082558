package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Our side of the keep alive while a PINGREQ waits for its answer. The link lab's 8 kbit/s shared
 * link, 5% loss, QoS 0, keep alive 5 s, after the outage: the QoS 0 budget was full, the PINGREQ
 * that asked for its proof had left, its PINGRESP was lost and the broker's TCP resent it 2.8 s
 * later; meanwhile the agent wrote nothing for 8 s and mosquitto closed the connection (it drops
 * a client it has not heard for 1.5 keep alives). Keep alive 5 s here.
 */
class SessionKeepingPingTest {
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).reconnectDelays(1_000, 2_000, 10_000));

    private long pings() {
        return s.written().stream().filter("PINGREQ"::equals).count();
    }

    /**
     * Readings every 100 ms until the first PINGREQ has gone out, then more every 10 ms until the
     * budget is full and the session stops writing them.
     *
     * @return when the socket last took bytes
     */
    private long fillTheBudgetAndAskForItsProof() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 200 && pings() == 0; i++) {
            s.append("pi/t", "reading-" + i, 0);
            s.step(100);
        }
        assertEquals(1, pings(), s.written().toString());
        long lastWrite = s.clock.monotonicMillis();
        for (int i = 0; i < 100; i++) {
            int before = s.written().size();
            s.append("pi/t", "more-" + i, 0);
            s.step(10);
            if (s.written().size() != before) {
                lastWrite = s.clock.monotonicMillis();
            }
        }
        assertTrue(s.clock.monotonicMillis() - lastWrite >= 500, "the budget is full: " + s.written());
        assertEquals(1, pings());
        return lastWrite;
    }

    @Test
    void whileAPingWaitsWithNothingElseToWriteAPingreqGoesOutHalfAKeepAliveAfterTheLastWrite() {
        long lastWrite = fillTheBudgetAndAskForItsProof();
        long keepingPingAt = -1;
        for (int i = 0; i < 40 && keepingPingAt < 0; i++) {
            s.step(100);
            if (pings() == 2) {
                keepingPingAt = s.clock.monotonicMillis();
            }
        }
        assertTrue(keepingPingAt - lastWrite >= 2_500 && keepingPingAt - lastWrite <= 2_600,
                "half a keep alive after the last write: " + (keepingPingAt - lastWrite) + " ms; " + s.written());
        assertEquals(LinkState.CONNECTED, s.session.state());
    }

    /**
     * The first PINGRESP answers the PINGREQ that asked for the proof; the next one answers the
     * PINGREQ written for the broker's keep alive and must not pass for the answer of the proof
     * request written after it (that would prove QoS 0 messages that may never have arrived).
     */
    @Test
    void theAnswerToAPingreqWrittenForTheKeepAliveProvesNothing() {
        fillTheBudgetAndAskForItsProof();
        for (int i = 0; i < 40 && pings() < 2; i++) {
            s.step(100);
        }
        assertEquals(2, pings(), "a PINGREQ for the keep alive: " + s.written());
        s.socket.deliver(PINGRESP); // answers the first: its proof
        s.step(10);
        long provenByTheFirst = s.queue.counters().confirmed();
        assertTrue(provenByTheFirst > 0, "the first answer proved what was written before it");
        assertEquals(3, pings(), "a new proof request for the rest: " + s.written());
        s.socket.deliver(PINGRESP); // answers the keep alive's PINGREQ, not the new request
        s.step(10);
        assertEquals(provenByTheFirst, s.queue.counters().confirmed(), "the keep alive's answer proves nothing");
        s.socket.deliver(PINGRESP); // the new request's answer
        s.step(10);
        assertTrue(s.queue.counters().confirmed() > provenByTheFirst, "the new request's answer proves the rest");
        assertEquals(LinkState.CONNECTED, s.session.state());
    }
}
