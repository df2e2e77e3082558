package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A slow uplink is not a dead one. A PINGREQ queued behind a QoS 0 backlog is timed from when it
 * leaves, not from when it was queued; a socket that takes nothing at all is still found dead.
 */
class SessionThinLinkTest {
    private static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedTransport socket = new ScriptedTransport();
    private final MemoryQueue queue = TestQueues.memory();
    /** Keep alive 2 s: PINGREQ after 1 s of silence while something is unproven, answer within 1 s. */
    private final ManualClock clock = new ManualClock();
    private final MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(2).build(), queue, p -> { }, socket, clock);
    private final long start = clock.monotonicMillis();

    /** Milliseconds since the test began. */
    private long elapsed() {
        return clock.monotonicMillis() - start;
    }

    private void step(long millis) {
        clock.advanceMillis(millis);
        session.service(clock.monotonicMillis());
    }

    private void connect() {
        session.service(clock.monotonicMillis());
        socket.deliver(CONNACK);
        step(1);
        assertEquals(LinkState.CONNECTED, session.state());
    }

    private void appendQos0(int count, int payloadBytes) {
        byte[] topic = "pi/backlog".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < count; i++) {
            queue.append(topic, 0, topic.length, payload, 0, payload.length, 0, false, 0, 0);
        }
    }

    @Test
    void aPingStuckBehindASlowBacklogIsTimedFromWhenItLeaves() {
        connect();
        // One message larger than the unproven budget: it may go out alone, and the PINGREQ
        // that proves it can only follow it, 2 s later at this rate.
        appendQos0(1, 4_000);
        boolean answered = false;
        for (int step = 0; step < 3_000 && !answered; step++) {
            socket.writeBudget = 20; // 20 bytes every 10 ms: 2 kB/s
            step(10);
            assertEquals(LinkState.CONNECTED, session.state(), "slow is not dead (at " + step * 10 + " ms)");
            String written = new String(socket.written(), StandardCharsets.ISO_8859_1);
            if (written.indexOf((char) 0xC0) > 0 && written.endsWith("\u00c0\u0000")) {
                socket.deliver(PINGRESP); // the broker answers as soon as the PINGREQ arrives
                answered = true;
            }
        }
        assertTrue(answered, "a PINGREQ left eventually");
        assertTrue(elapsed() > 2_000, "more than an answer timeout passed since the ping was queued: " + elapsed() + " ms");
        assertEquals(0, session.counters().deadLinksDetected());
    }

    @Test
    void aSocketThatTakesNothingIsADeadLink() {
        connect();
        socket.writable = false;
        appendQos0(10, 100);
        for (int step = 0; step < 400 && session.state() == LinkState.CONNECTED; step++) {
            step(10);
        }
        assertEquals(1, session.counters().deadLinksDetected());
        assertTrue(elapsed() <= 1 + 3_000, "found within 1.5 keep alives: " + elapsed() + " ms");
    }

    /**
     * The case: a socket buffer far larger than what the link carries in an answer
     * timeout. Everything the socket took counts as "on the wire" from our side, so a PINGREQ
     * behind 30 KB on a 2 kB/s link would need 15 s to arrive. Pacing the unproven QoS 0 bytes
     * by the measured proof round trip keeps it behind no more than the link crosses in time.
     */
    @Test
    void aQos0BacklogThroughADeepSocketBufferOnAThinLinkIsDeliveredWithoutAFalseDeadLink() {
        ThinLink thin = new ThinLink(10);
        thin.append(300, "pi/backlog", 100);
        long tookMillis = thin.drain(20, 12_000); // 20 bytes per 10 ms: 2 kB/s
        assertEquals(0, thin.session.counters().deadLinksDetected(), "slow is not dead");
        assertEquals(1, thin.socket.opens());
        assertEquals(300, thin.session.counters().acknowledged(), "all proven, after " + tookMillis + " ms");
        // 300 PUBLISH of 114 bytes = 34,200 bytes: 17.1 s at 2 kB/s if the link were always busy.
        assertTrue(tookMillis < 40_000, "the link stays busy: " + tookMillis + " ms");
        System.out.println("thin link QoS 0 backlog: 300 x 114 B over 2 kB/s proven in " + tookMillis + " ms");
    }

    /**
     * The link lab's case (issue 11): 40 s of 10 small readings a second behind a 5 s keep alive
     * (answer timeout 2.5 s) on an uplink that carries 800 B/s of MQTT bytes (8 kbit/s less the
     * TCP/IP headers). Before any proof was measured the whole first burst went into the socket
     * and the PINGREQ was queued after it: 4 KB, 5 s to cross, a false dead link every time.
     */
    @Test
    void theFirstProofOfABacklogOnAnEightKilobitLinkIsAnsweredWithinTheAnswerTimeout() {
        ThinLink thin = new ThinLink(5);
        thin.append(400, "lab/beat", 3);
        long tookMillis = thin.drain(8, 6_000); // 8 bytes per 10 ms: 800 B/s
        assertEquals(0, thin.session.counters().deadLinksDetected(), "slow is not dead");
        assertEquals(1, thin.socket.opens(), "never reconnected, so nothing sent twice");
        // After the 16-byte CONNECT: the 1 KB budget and the 15-byte message that filled it.
        assertTrue(thin.firstPingAt > 0 && thin.firstPingAt <= 16 + 1024 + 15,
                "the first PINGREQ waits behind at most 1 KB: " + thin.firstPingAt);
        assertEquals(400, thin.session.counters().acknowledged(), "all proven, after " + tookMillis + " ms");
        // 400 PUBLISH of 15 bytes = 6,000 bytes: 7.5 s at 800 B/s if the link were always busy.
        assertTrue(tookMillis < 20_000, "the link stays busy: " + tookMillis + " ms");
    }

    /**
     * The link lab's 8 and 16 kbit/s drains (issue 11): a burst crosses as one segment, and the
     * broker answers a PINGREQ in it only once it has the whole segment. With the PINGREQ asked
     * mid-burst, at half the budget, its answer proved half of what had arrived, so the next burst
     * could fill only the other half: 527-byte segments, one per answer, under 80% of the uplink.
     * Behind the whole burst, one answer proves all of it and the next burst is a whole budget.
     */
    @Test
    void aProofIsAskedBehindTheWholeBurstSoItsAnswerProvesAllOfIt() {
        ScriptedSession s = firstBurstOf200Readings();
        List<String> burst = s.written().subList(1, s.written().size()); // after the CONNECT
        assertEquals(burst.size() - 1, burst.indexOf("PINGREQ"), "the PINGREQ closes the burst of " + burst.size());
        assertEquals(1, pings(s));
        int published = burst.size() - 1;
        assertTrue(published * 15 >= Qos0Proofs.INITIAL_BUDGET_BYTES, "a whole budget went out: " + published);
        s.step(200);
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(published, s.session.counters().acknowledged(), "the one answer proved the whole burst");
        List<String> next = s.written();
        assertTrue(next.size() - burst.size() - 2 >= published, "the next burst is a whole budget again: "
                + (next.size() - burst.size() - 2));
        assertEquals("PINGREQ", next.get(next.size() - 1));
    }

    /**
     * The link lab's shared 8 kbit/s medium (issue 11): the broker's answer waits behind our own
     * bytes in the one bucket, so a PINGREQ behind half a kilobyte of readings took up to 3.3 s
     * to be answered, longer than the 2.5 s answer timeout: a false dead link and the same
     * readings sent again. The first proof measured the link (525 bytes in 1.4 s); the next
     * PINGREQ waits behind about as much, so its answer is not overdue before those could cross.
     */
    @Test
    void aPingBehindBytesTheLinkNeedsTimeToCrossIsNotOverdueBeforeTheyCouldHaveCrossed() {
        ScriptedSession s = firstBurstOf200Readings();
        assertEquals(1, pings(s), "asked for a proof behind the first 1 KB");
        s.run(140, 10);
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(2, pings(s), "the next proof is asked at once, behind the bytes written since");
        s.run(330, 10);
        assertEquals(LinkState.CONNECTED, s.session.state(), "3.3 s without an answer, behind ~1.4 s of bytes");
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(0, s.session.counters().deadLinksDetected());
        assertTrue(s.session.counters().acknowledged() > 60, "both proofs counted: "
                + s.session.counters().acknowledged());
    }

    /**
     * The link lab's 8 kbit/s full-duplex link with 5% loss, right after an outage (issue 11):
     * the first proof of the backlog rode the shaper's burst (525 bytes in 212 ms), so the next
     * PINGREQ got 2.8 s; TCP lost a segment ahead of it and resent it after its retransmission
     * timeout, and the answer came after 4.7 s. The link was declared dead, reconnected, and the
     * ~100 readings that had arrived unproven went out again.
     */
    @Test
    void aProofDelayedByATcpResendIsNotAFalseDeadLink() {
        ScriptedSession s = firstBurstOf200Readings();
        s.run(21, 10);
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(2, pings(s), "the next proof is asked at once, behind the bytes written since");
        int opens = s.socket.opens();
        s.run(470, 10);
        assertEquals(LinkState.CONNECTED, s.session.state(), "4.7 s without an answer behind QoS 0 bytes");
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(0, s.session.counters().deadLinksDetected());
        assertEquals(opens, s.socket.opens(), "never reconnected, so nothing sent twice");
        assertTrue(s.session.counters().acknowledged() > 60, "both proofs counted: "
                + s.session.counters().acknowledged());
    }

    /**
     * A silent outage behind a QoS 0 backlog: found once the PINGREQ's answer time passed and
     * nothing arrived for 1.5 keep alives; after a slow answer (2.4 s), for one keep alive plus
     * twice that answer (never more than two keep alives).
     */
    @Test
    void aPingBehindABacklogIsDeadAfterTwoKeepAlivesOfSilenceWhenTheLastAnswerWasSlow() {
        ScriptedSession s = firstBurstOf200Readings();
        s.run(240, 10); // a slow first proof: 2.4 s for the half kilobyte the next PINGREQ is behind
        s.socket.deliver(PINGRESP);
        s.step(1);
        assertEquals(2, pings(s));
        int opens = s.socket.opens();
        long askedAt = s.clock.monotonicMillis();
        for (int i = 0; i < 2_000 && s.socket.opens() == opens && s.session.state() == LinkState.CONNECTED; i++) {
            s.step(10);
        }
        assertEquals(1, s.session.counters().deadLinksDetected());
        long after = s.clock.monotonicMillis() - askedAt;
        assertTrue(after >= 9_800 && after <= 9_920,
                "dead 5 s + twice the 2.4 s answer after the last packet: " + after + " ms");
    }

    /**
     * A session at keep alive 5 s with 200 QoS 0 readings queued (15-byte PUBLISH packets) and
     * its first burst written: the link lab's backlog after an outage.
     */
    private static ScriptedSession firstBurstOf200Readings() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(5));
        s.connect(CONNACK);
        for (int i = 0; i < 200; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.step(1);
        return s;
    }

    private static int pings(ScriptedSession s) {
        int n = 0;
        for (String packet : s.written()) {
            if (packet.equals("PINGREQ")) {
                n++;
            }
        }
        return n;
    }

    /**
     * A session behind a socket whose buffer is far deeper than the link: the socket takes up to
     * 128 KB, the link carries a fixed number of bytes per 10 ms, and the broker answers each
     * PINGREQ as soon as it crossed.
     */
    private static final class ThinLink {
        final ManualClock clock = new ManualClock();
        final ScriptedTransport socket = new ScriptedTransport();
        final MemoryQueue queue = TestQueues.memory();
        final MqttSession session;
        /** Where the first PINGREQ sits in the bytes written, or -1 before it. */
        int firstPingAt = -1;

        ThinLink(int keepAliveSeconds) {
            session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .keepAliveSeconds(keepAliveSeconds).build(), queue, p -> { }, socket, clock);
            session.service(clock.monotonicMillis());
            socket.deliver(CONNACK);
            clock.advanceMillis(1);
            session.service(clock.monotonicMillis());
            assertEquals(LinkState.CONNECTED, session.state());
        }

        void append(int count, String topicName, int payloadBytes) {
            byte[] topic = topicName.getBytes(StandardCharsets.US_ASCII);
            byte[] payload = new byte[payloadBytes];
            java.util.Arrays.fill(payload, (byte) 'x');
            for (int i = 0; i < count; i++) {
                queue.append(topic, 0, topic.length, payload, 0, payload.length, 0, false, 0, 0);
            }
        }

        /** Runs the link until the session is drained or {@code maxSteps} of 10 ms; returns how long. */
        long drain(int bytesPer10Millis, int maxSteps) {
            long kernelBuffer = 128 * 1024;
            long crossed = 0;
            int parsedUpTo = 0;
            long start = clock.monotonicMillis();
            for (int step = 0; step < maxSteps && !session.isDrained(); step++) {
                byte[] sent = socket.written();
                crossed = Math.min(sent.length, crossed + bytesPer10Millis);
                socket.writeBudget = kernelBuffer - (sent.length - crossed);
                while (parsedUpTo + 2 <= crossed) {
                    int end = ScriptedSession.packetEnd(sent, parsedUpTo);
                    if (end > crossed) {
                        break;
                    }
                    if ((sent[parsedUpTo] & 0xFF) == 0xC0) {
                        socket.deliver(PINGRESP);
                    }
                    parsedUpTo = end;
                }
                clock.advanceMillis(10);
                session.service(clock.monotonicMillis());
                if (firstPingAt < 0) {
                    firstPingAt = firstPing(socket.written());
                }
            }
            return clock.monotonicMillis() - start;
        }

        private static int firstPing(byte[] sent) {
            for (int at = 0; at + 2 <= sent.length; at = ScriptedSession.packetEnd(sent, at)) {
                if ((sent[at] & 0xFF) == 0xC0) {
                    return at;
                }
            }
            return -1;
        }
    }
}
