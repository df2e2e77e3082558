package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.time.ManualClock;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A burst of QoS 1 messages from the broker while our socket takes nothing: every PUBACK needs
 * room in the send buffer. The session must hold the rest of the burst back, not crash, and
 * answer every message once the socket drains.
 */
class SessionBackpressureTest {
    private static final int BURST = 20_000;

    @Test
    void aBurstOfInboundQos1MessagesWaitsForRoomForItsAcknowledgements() {
        ScriptedTransport socket = new ScriptedTransport();
        int[] received = {0};
        MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .sendBufferSize(16 * 1024).maxMessageBytes(1024).build(), TestQueues.memory(), p -> received[0]++, socket,
                new ManualClock());
        session.service(0);
        socket.deliver(new byte[] {0x20, 0x02, 0x00, 0x00});
        session.service(1);
        assertEquals(LinkState.CONNECTED, session.state());

        socket.writable = false;
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        byte[] packet = new byte[64];
        byte[] payload = {'1'};
        for (int id = 1; id <= BURST; id++) {
            int n = PacketEncoder.encodePublish(packet, 0, Topic.name("cmd/x"), 1, false, false, id, payload, 0, 1);
            burst.write(packet, 0, n);
        }
        socket.deliver(burst.toByteArray());
        for (int i = 0; i < 200; i++) {
            session.service(2 + i);
        }
        assertEquals(LinkState.CONNECTED, session.state(), "still connected, nothing thrown");
        assertTrue(received[0] < BURST, "held back while no answer fits: " + received[0]);
        assertTrue(received[0] >= (16 * 1024 - 64) / 4 - 1, "until the send buffer was full: " + received[0]);

        socket.writable = true;
        for (int i = 0; i < 10_000 && received[0] < BURST; i++) {
            session.service(1_000 + i);
        }
        assertEquals(BURST, received[0]);
        byte[] written = socket.written();
        int pubacks = 0;
        for (int i = 0; i + 3 < written.length; i++) {
            if (written[i] == 0x40 && written[i + 1] == 0x02) {
                pubacks++;
                i += 3;
            }
        }
        assertEquals(BURST, pubacks, "every message acknowledged");
        session.close();
    }
}
