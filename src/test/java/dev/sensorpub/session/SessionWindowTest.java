package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The in-flight window: slots only for messages that were written, and a stuck window is a dead link. */
class SessionWindowTest {
    @Test
    void aRecordThatCannotBeEncodedHoldsNoWindowSlot() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .inflightWindow(1));
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/+", "damaged", 1); // a wildcard in a topic name: the encoder refuses it
            s.append("pi/ok", "fine", 1);
            s.run(3, 1);
            assertTrue(s.written().stream().anyMatch(p -> p.matches("PUBLISH q1 id=\\d+ pi/ok fine")),
                    s.written().toString());
            assertEquals(1, log.containing("cannot be sent").size(), log.lines().toString());
        }
    }

    @Test
    void aWindowWithoutAcknowledgementIsDeadEvenWhileTheBrokerKeepsSending() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(2));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 5; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        s.socket.writable = false; // the broker no longer reads our socket, nor acknowledges
        byte[] packet = new byte[64];
        long start = s.clock.monotonicMillis();
        for (int i = 0; i < 200 && s.session.state() == LinkState.CONNECTED; i++) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            int n = PacketEncoder.encodePublish(packet, 0, Topic.name("cmd/x"), 0, false, false, 0, new byte[] {'1'}, 0, 1);
            burst.write(packet, 0, n);
            s.socket.deliver(burst.toByteArray()); // ... but keeps talking
            s.step(50);
        }
        long tookMillis = s.clock.monotonicMillis() - start;
        assertEquals(1, s.session.counters().deadLinksDetected());
        assertTrue(tookMillis <= 4_100, "dead within two keep alives: " + tookMillis + " ms");
    }
}
