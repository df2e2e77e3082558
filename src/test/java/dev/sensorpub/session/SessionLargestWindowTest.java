package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.Topic;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * MQTT has 65,535 packet ids. The retained status (its kept slot) and the SUBSCRIBE made at every
 * CONNACK take one each besides the window, so a window of 65,535 full of messages a broker kept
 * across a reconnect left none, and the loop thread searched for a free id for ever.
 */
class SessionLargestWindowTest {
    @Test
    void aWindowOfAllPacketIdsIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.builder("tcp://127.0.0.1:1883", "pi").inflightWindow(65_534).build());
        assertTrue(e.getMessage().contains("outside 1..65533") && e.getMessage().contains("SUBSCRIBE"), e.getMessage());
    }

    @Test
    void aFullWindowOfTheLargestSizeStillLetsAKeptSessionSubscribe() {
        int window = 65_533;
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).inflightWindow(window).reconnectDelays(1, 2, 10_000));
        s.session.subscribe(Topic.filter("pi/cmd/#"), 1);
        s.connect(ScriptedSession.CONNACK);
        String subscribe = s.written().get(s.written().size() - 1);
        int id = Integer.parseInt(subscribe.substring("SUBSCRIBE id=".length()));
        s.socket.deliver(new byte[] {(byte) 0x90, 3, (byte) (id >> 8), (byte) id, 1});
        // The unanswered bytes start at 1 KB and grow by half with each prompt answer: a link that
        // answers at once until a whole window of this size may await its answers.
        int answeredUpTo = 0;
        for (int round = 0; round < 100 && s.session.inflightCount() < window; round++) {
            while (s.queue.counters().queuedMessages() < window + 64) {
                s.append("pi/t", "r", 1);
            }
            for (int step = 0; step < 100 && !s.session.waitsForAnswers(); step++) {
                s.step(1); // a send buffer at a time
            }
            if (s.session.inflightCount() < window) {
                answeredUpTo = answerPublishesWrittenSince(s, answeredUpTo);
                s.step(1);
            }
        }
        assertEquals(window, s.session.inflightCount());
        s.socket.brokerCloses();
        s.step(1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.connect(ScriptedSession.CONNACK_SESSION_PRESENT),
                "the loop thread must not spin for a free packet id");
        assertEquals(1, s.written().stream().filter(p -> p.startsWith("SUBSCRIBE")).count(), "subscribed again");
    }

    /** PUBACKs for the QoS 1 PUBLISH packets written from byte {@code from} on; returns where they end. */
    private static int answerPublishesWrittenSince(ScriptedSession s, int from) {
        byte[] w = s.socket.written();
        ByteArrayOutputStream acks = new ByteArrayOutputStream();
        int at = from;
        while (at < w.length) {
            int body = ScriptedSession.bodyStart(w, at);
            if ((w[at] & 0xF0) == 0x30 && (w[at] & 0x06) != 0) {
                int idAt = body + 2 + ((w[body] & 0xFF) << 8 | (w[body + 1] & 0xFF));
                acks.writeBytes(new byte[] {0x40, 2, w[idAt], w[idAt + 1]});
            }
            at = ScriptedSession.packetEnd(w, at);
        }
        s.socket.deliver(acks.toByteArray());
        return at;
    }
}
