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
}
