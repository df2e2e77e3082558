package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketType;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same quirks over a real socket, against {@link ScriptedBroker}: a broker that answers QoS 2
 * with PUBACK, as RabbitMQ's MQTT plugin does, gets every reading, with one warning; one that
 * discards retained QoS 0 messages, as Moquette does, gets every reading too.
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

    /**
     * MQTT 3.1.1 (3.3.1.3) lets a broker discard a retained QoS 0 message instead of storing it.
     * The readings still reach it (and its live subscribers) and are proven by PINGRESP; the
     * status that must persist goes at QoS 1. The agent says once at start (and --check) that a
     * sensor retained at QoS 0 may find nothing retained (see AgentConfig#notes); the session
     * itself has nothing to warn about.
     */
    @Test
    void aBrokerThatDiscardsRetainedQos0MessagesGetsEveryReadingAndTheStatusAtQos1() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start(); CapturedLog log = new CapturedLog()) {
            MemoryQueue queue = TestQueues.memory();
            byte[] topic = "pi/t".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 60; i++) {
                byte[] payload = ("r" + i).getBytes(StandardCharsets.UTF_8);
                queue.append(topic, 0, topic.length, payload, 0, payload.length, 0, true, 0, 0);
            }
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "pi").keepAliveSeconds(2)
                    .statusTopic("pi/status").build(), queue, p -> { });
            List<String> readings = new ArrayList<>();
            List<String> retainedStored = new ArrayList<>(); // what this broker keeps: retained QoS 1 and 2 only
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection c = broker.accept(TIMEOUT);
                assertEquals(PacketType.CONNECT, ScriptedBroker.packetType(c.readPacket(TIMEOUT)));
                c.write(RawPackets.CONNACK_ACCEPTED);
                for (int packets = 0; packets < 1_000 && (readings.size() < 60
                        || queue.counters().queuedMessages() > 0); packets++) {
                    byte[] p = c.readPacket(TIMEOUT);
                    int type = ScriptedBroker.packetType(p);
                    if (type == PacketType.PINGREQ) {
                        c.write(RawPackets.PINGRESP);
                    } else if (type == PacketType.PUBLISH) {
                        int qos = (p[0] >> 1) & 3;
                        int topicLength = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
                        String name = new String(p, 4, topicLength, StandardCharsets.UTF_8);
                        int at = 4 + topicLength;
                        if (qos > 0) {
                            c.write(0x40, 0x02, p[at] & 0xFF, p[at + 1] & 0xFF);
                            at += 2;
                        }
                        String payload = new String(p, at, p.length - at, StandardCharsets.UTF_8);
                        if ((p[0] & 1) != 0 && qos > 0) {
                            retainedStored.add(name + " " + payload);
                        }
                        if (name.equals("pi/t")) {
                            assertEquals(1, p[0] & 1, "sent retained, as mapped");
                            readings.add(payload);
                        }
                    }
                }
                assertTrue(loop.await(() -> queue.counters().queuedMessages() == 0, TIMEOUT), "every reading proven");
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                expected.add("r" + i);
            }
            assertEquals(expected, readings, "every reading arrived once, in order");
            assertEquals(List.of("pi/status online"), retainedStored, "the status survives such a broker");
            assertEquals(0, session.counters().deadLinksDetected());
            assertEquals(List.of(), log.containing("WARN"), log.lines().toString());
        }
    }
}
