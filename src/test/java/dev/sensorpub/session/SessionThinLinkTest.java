package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
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

    private void appendQos0(int count) {
        byte[] topic = "pi/backlog".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[100];
        for (int i = 0; i < count; i++) {
            queue.append(topic, 0, topic.length, payload, 0, payload.length, 0, false, 0, 0);
        }
    }

    @Test
    void aPingStuckBehindASlowBacklogIsTimedFromWhenItLeaves() {
        connect();
        appendQos0(300);
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
        appendQos0(10);
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
        ManualClock thinClock = new ManualClock();
        ScriptedTransport thin = new ScriptedTransport();
        MemoryQueue backlog = TestQueues.memory();
        MqttSession paced = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(10).build(), backlog, p -> { }, thin, thinClock);
        paced.service(thinClock.monotonicMillis());
        thin.deliver(CONNACK);
        thinClock.advanceMillis(1);
        paced.service(thinClock.monotonicMillis());
        assertEquals(LinkState.CONNECTED, paced.state());
        byte[] topic = "pi/backlog".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[100];
        java.util.Arrays.fill(payload, (byte) 'x');
        for (int i = 0; i < 300; i++) {
            backlog.append(topic, 0, topic.length, payload, 0, payload.length, 0, false, 0, 0);
        }
        long kernelBuffer = 128 * 1024;
        long crossed = 0;
        int parsedUpTo = 0;
        long start = thinClock.monotonicMillis();
        for (int step = 0; step < 12_000 && !paced.isDrained(); step++) {
            byte[] sent = thin.written();
            crossed = Math.min(sent.length, crossed + 20); // 20 bytes per 10 ms: 2 kB/s
            thin.writeBudget = kernelBuffer - (sent.length - crossed);
            while (parsedUpTo + 2 <= crossed) { // the broker answers each PINGREQ once it arrived
                int end = ScriptedSession.packetEnd(sent, parsedUpTo);
                if (end > crossed) {
                    break;
                }
                if ((sent[parsedUpTo] & 0xFF) == 0xC0) {
                    thin.deliver(PINGRESP);
                }
                parsedUpTo = end;
            }
            thinClock.advanceMillis(10);
            paced.service(thinClock.monotonicMillis());
        }
        long tookMillis = thinClock.monotonicMillis() - start;
        assertEquals(0, paced.counters().deadLinksDetected(), "slow is not dead");
        assertEquals(1, thin.opens());
        assertEquals(300, paced.counters().acknowledged(), "all proven, after " + tookMillis + " ms");
        // 300 PUBLISH of 114 bytes = 34,200 bytes: 17.1 s at 2 kB/s if the link were always busy.
        assertTrue(tookMillis < 40_000, "the link stays busy: " + tookMillis + " ms");
        System.out.println("thin link QoS 0 backlog: 300 x 114 B over 2 kB/s proven in " + tookMillis + " ms");
    }
}
