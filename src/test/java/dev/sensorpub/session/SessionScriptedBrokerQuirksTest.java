package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketType;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import org.junit.jupiter.api.Test;

/**
 * The same quirks over a real socket, against {@link ScriptedBroker}: a broker that answers QoS 2
 * with PUBACK, as RabbitMQ's MQTT plugin does, gets every reading, with one warning.
 */
class SessionScriptedBrokerQuirksTest {
    private static final long TIMEOUT = 10_000;

    @Test
    void aBrokerThatAnswersQos2WithPubackOverASocketGetsEveryReading() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start(); CapturedLog log = new CapturedLog()) {
            MemoryQueue queue = TestQueues.memory();
            for (int i = 0; i < 60; i++) {
                TestQueues.append(queue, "pi/t", "r" + i, 2);
            }
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "pi").keepAliveSeconds(30)
                    .build(), queue, p -> { });
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection c = broker.accept(TIMEOUT);
                assertEquals(PacketType.CONNECT, ScriptedBroker.packetType(c.readPacket(TIMEOUT)));
                c.write(RawPackets.CONNACK_ACCEPTED);
                int answered = 0;
                while (answered < 60) {
                    byte[] p = c.readPacket(TIMEOUT);
                    if (ScriptedBroker.packetType(p) == PacketType.PUBLISH) {
                        int topicLength = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
                        int at = 4 + topicLength;
                        c.write(0x40, 0x02, p[at] & 0xFF, p[at + 1] & 0xFF); // PUBACK for a QoS 2 PUBLISH
                        answered++;
                    }
                }
                assertTrue(loop.await(() -> queue.counters().queuedMessages() == 0, TIMEOUT), "every reading delivered");
            }
            assertEquals(1, log.containing("downgrades QoS 2").size(), log.lines().toString());
        }
    }
}
