package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our side of the keep alive while a PINGREQ waits for its answer. The link lab's 8 kbit/s shared
 * link, 5% loss, QoS 0, keep alive 5 s: the QoS 0 budget was full, the PINGREQ that asked for its
 * proof had left, its PINGRESP was lost and the broker's TCP resent it 2.8 s later; meanwhile the
 * agent wrote nothing for 8 s and mosquitto closed the connection (it drops a client it has not
 * heard from for 1.5 keep alives). Keep alive 5 s here.
 */
class SessionKeepingPingTest {
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).reconnectDelays(1_000, 2_000, 10_000));
    /** PINGREQs written on this connection before the test's own part. */
    private long pingsBefore;

    private long pings() {
        return s.written().stream().filter("PINGREQ"::equals).count() - pingsBefore;
    }

    /** A proof of 525 bytes answered 210 ms after it left: an 8 kbit/s link, so the socket holds small writes. */
    private void thinLink() {
        for (int i = 0; i < 35; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.step(1);
        s.session.requestProof();
        s.step(1);
        s.clock.advanceMillis(210);
        s.socket.deliver(PINGRESP);
        s.step(0);
        assertEquals(List.of(true), s.socket.coalesceCalls, "a thin link");
        pingsBefore = s.written().stream().filter("PINGREQ"::equals).count();
    }

    /**
     * Readings every 100 ms until a PINGREQ has gone out, then more every 10 ms until the budget
     * is full and the session stops writing them.
     *
     * @return when the socket last took bytes
     */
    private long fillTheBudgetAndAskForItsProof() {
        for (int i = 0; i < 200 && pings() == 0; i++) {
            s.append("pi/t", "reading-" + i, 0);
            s.step(100);
        }
        assertEquals(1, pings(), s.written().toString());
        long lastWrite = s.clock.monotonicMillis();
        for (int i = 0; i < 300 && s.clock.monotonicMillis() - lastWrite < 500; i++) {
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

    /** Steps 100 ms at a time (at most 4 s) until {@code n} PINGREQs went out; when the last did, or -1. */
    private long awaitPings(int n) {
        for (int i = 0; i < 40 && pings() < n; i++) {
            s.step(100);
        }
        return pings() == n ? s.clock.monotonicMillis() : -1;
    }

    @Test
    void whileAPingWaitsWithNothingElseToWriteAPingreqGoesOutHalfAKeepAliveAfterItLeft() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 200 && pings() == 0; i++) {
            s.append("pi/t", "reading-" + i, 0);
            s.step(100);
        }
        long askedAt = s.clock.monotonicMillis();
        fillTheBudgetAndAskForItsProof();
        long keepingPingAt = awaitPings(2);
        assertTrue(keepingPingAt - askedAt >= 2_500 && keepingPingAt - askedAt <= 2_600,
                "half a keep alive after the waiting PINGREQ left: " + (keepingPingAt - askedAt) + " ms; " + s.written());
        assertEquals(LinkState.CONNECTED, s.session.state());
    }

    /**
     * Readings still taken by the socket say nothing of what reaches the broker: on a thin link
     * the kernel holds them behind a lost segment (Nagle's algorithm) until its retransmission
     * timeout. The PINGREQ for the keep alive goes out half a keep alive after the waiting one
     * left all the same.
     */
    @Test
    void readingsTakenByTheSocketDoNotPutOffThePingreqForTheKeepAlive() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 200 && pings() == 0; i++) {
            s.append("pi/t", "reading-" + i, 0);
            s.step(100);
        }
        long askedAt = s.clock.monotonicMillis();
        int publishesBefore = s.written().size();
        for (int i = 0; i < 30 && pings() < 2; i++) {
            s.append("pi/t", "held-" + i, 0);
            s.step(100);
        }
        assertEquals(2, pings(), s.written().toString());
        assertTrue(s.clock.monotonicMillis() - askedAt <= 2_600, "after " + (s.clock.monotonicMillis() - askedAt) + " ms");
        assertTrue(s.written().size() - publishesBefore >= 10, "readings were written meanwhile: " + s.written());
    }

    /**
     * On a thin link the socket holds small writes until what is ahead is acknowledged (Nagle's
     * algorithm); in the lab the last segments before such a wait were lost, and the kernel would
     * resend them only after its retransmission timeout (8.3 s). The PINGREQ for the keep alive
     * leaves at once, as a segment of its own, so the broker's TCP acknowledges again and ours
     * resends at once; the socket holds writes again after it.
     */
    @Test
    void aPingreqForTheKeepAliveLeavesAtOnceEvenOnAThinLink() {
        s.connect(ScriptedSession.CONNACK);
        thinLink();
        fillTheBudgetAndAskForItsProof();
        assertTrue(awaitPings(2) > 0, s.written().toString());
        assertEquals(List.of(true, false), s.socket.coalesceCalls, "writes not held for the PINGREQ");
        assertEquals(s.socket.written().length - 2, s.socket.coalescedAfterBytes.get(1),
                "told before the PINGREQ was written");
        s.step(100);
        assertEquals(List.of(true, false, true), s.socket.coalesceCalls, "and held again once it left");
    }

    /**
     * The first PINGRESP answers the PINGREQ that asked for the proof; the next one answers the
     * PINGREQ written for the broker's keep alive and must not pass for the answer of the proof
     * request written after it (that would prove QoS 0 messages that may never have arrived).
     */
    @Test
    void theAnswerToAPingreqWrittenForTheKeepAliveProvesNothing() {
        s.connect(ScriptedSession.CONNACK);
        fillTheBudgetAndAskForItsProof();
        assertTrue(awaitPings(2) > 0, "a PINGREQ for the keep alive: " + s.written());
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
