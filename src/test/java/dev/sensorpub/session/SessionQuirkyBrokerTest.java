package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Brokers other than mosquitto: one that takes QoS 2 as QoS 1, one that refuses or drops QoS 2,
 * one that would discard a retained QoS 0 status, and a poison PUBLISH too large for us on a kept
 * session. Every reading is delivered where the broker can take it, and each quirk is explained
 * in one log line.
 */
class SessionQuirkyBrokerTest {
    private static SessionSettings.Builder settings() {
        return SessionSettings.builder("tcp://127.0.0.1:1883", "pi").cleanSession(false).keepAliveSeconds(10)
                .reconnectDelays(1, 2, 10_000);
    }

    /** Answers every PUBLISH the client wrote since {@code from} with {@code ackType}; returns the new count. */
    private static int answerPublishes(ScriptedSession s, int from, int ackType) {
        List<String> packets = s.written();
        for (int i = from; i < packets.size(); i++) {
            String p = packets.get(i);
            if (p.startsWith("PUBLISH q1") || p.startsWith("PUBLISH q2")) {
                int id = Integer.parseInt(p.substring(p.indexOf("id=") + 3, p.indexOf(' ', p.indexOf("id="))));
                s.socket.deliver(new byte[] {(byte) (ackType << 4), 2, (byte) (id >> 8), (byte) id});
            }
        }
        return packets.size();
    }

    @Test
    void aBrokerThatAnswersQos2WithPubackGetsEveryReadingAndOneWarning() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(settings());
            s.connect(ScriptedSession.CONNACK);
            for (int i = 0; i < 100; i++) {
                s.append("pi/t", "r" + i, 2);
            }
            int seen = 0;
            for (int round = 0; round < 200 && s.queue.counters().queuedMessages() > 0; round++) {
                s.step(5);
                seen = answerPublishes(s, seen, 4); // PUBACK, as RabbitMQ does for QoS 2
            }
            s.step(5);
            assertEquals(0, s.queue.counters().queuedMessages(), "every reading delivered");
            assertEquals(100, s.session.counters().acknowledged());
            assertEquals(1, log.containing("downgrades QoS 2").size(), log.lines().toString());
            assertEquals(0, log.containing("not awaiting").size(), log.lines().toString());
        }
    }

    @Test
    void aRefusedQos2SubscriptionIsExplained() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(settings());
            s.session.subscribe(Topic.filter("pi/cmd/#"), 2);
            s.connect(ScriptedSession.CONNACK);
            String subscribe = s.written().get(s.written().size() - 1);
            int id = Integer.parseInt(subscribe.substring("SUBSCRIBE id=".length()));
            s.socket.deliver(new byte[] {(byte) 0x90, 3, (byte) (id >> 8), (byte) id, (byte) 0x80});
            s.step(1);
            List<String> lines = log.containing("SUBACK 0x80");
            assertEquals(1, lines.size(), log.lines().toString());
            assertTrue(lines.get(0).contains("pi/cmd/#") && lines.get(0).contains("QoS 2"), lines.get(0));
        }
    }

    @Test
    void aBrokerThatClosesOnAQos2PublishIsExplained() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(settings());
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/t", "r", 2);
            s.step(1);
            s.socket.brokerCloses();
            s.step(1);
            assertEquals(LinkState.WAITING, s.session.state());
            assertEquals(1, log.containing("may lack QoS 2").size(), log.lines().toString());
        }
    }

    /**
     * mosquitto closes (resets) the connection once more QoS 2 messages than its
     * max_inflight_messages await PUBREL (2.0.11, measured): "Connection reset by peer" alone
     * does not say why, and the session halves its QoS 2 cap for the next links.
     */
    @Test
    void aBrokerThatClosesWithQos2MessagesAwaitingPubrecIsExplained() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(settings());
            s.connect(ScriptedSession.CONNACK);
            for (int i = 0; i < 3; i++) {
                s.append("pi/t", "r" + i, 2);
            }
            s.step(1);
            s.socket.deliver(new byte[] {0x50, 0x02, 0x00, 0x01}); // PUBREC 1: the broker takes QoS 2
            s.step(1);
            s.socket.brokerCloses();
            s.step(1);
            assertEquals(LinkState.WAITING, s.session.state());
            assertEquals(1, log.containing("broker closed with 2 QoS 2 awaiting PUBREC: over its limit?").size(),
                    log.lines().toString());
            assertEquals(1, log.containing("QoS 2 now at most 10 awaiting PUBREC").size(), log.lines().toString());
        }
    }

    @Test
    void theBirthIsRetainedAtQos1SoNoBrokerMayDiscardIt() {
        ScriptedSession s = new ScriptedSession(settings().statusTopic("pi/status"));
        s.connect(ScriptedSession.CONNACK);
        List<String> packets = s.written();
        assertTrue(packets.get(1).matches("PUBLISH q1 r id=\\d+ pi/status online"), packets.toString());
    }

    @Test
    void aPoisonOversizedPublishOnAKeptSessionIsAckedDroppedAndReadingsStillFlow() {
        try (CapturedLog log = new CapturedLog()) {
            int[] delivered = {0};
            ScriptedSession s = new ScriptedSession(settings().maxPacketSize(1024), p -> delivered[0]++);
            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            byte[] poison = new byte[6000];
            int n = PacketEncoder.encodePublish(poison, 0, Topic.name("pi/cmd/x"), 1, false, false, 77,
                    new byte[5000], 0, 5000);
            byte[] small = new byte[64];
            int m = PacketEncoder.encodePublish(small, 0, Topic.name("pi/cmd/x"), 1, false, false, 78,
                    new byte[] {'1'}, 0, 1);
            for (int copy = 0; copy < 2; copy++) { // the broker redelivers it, as a kept session does
                for (int at = 0; at < n; at += 700) {
                    byte[] piece = java.util.Arrays.copyOfRange(poison, at, Math.min(n, at + 700));
                    s.socket.deliver(piece);
                    s.step(1);
                }
            }
            s.socket.deliver(java.util.Arrays.copyOf(small, m));
            for (int i = 0; i < 20; i++) {
                s.append("pi/t", "r" + i, 1);
            }
            int seen = 0;
            for (int round = 0; round < 100 && s.queue.counters().queuedMessages() > 0; round++) {
                s.step(5);
                seen = answerPublishes(s, seen, 4);
            }
            assertEquals(LinkState.CONNECTED, s.session.state(), "the link stayed up");
            assertEquals(1, s.socket.opens());
            assertEquals(0, s.queue.counters().queuedMessages(), "every reading delivered");
            assertEquals(2, s.session.counters().oversizedInboundDropped());
            assertEquals(1, delivered[0], "only the small command reached the application");
            long pubacks77 = s.written().stream().filter("PUBACK 77"::equals).count();
            assertEquals(2, pubacks77, "the poison is acknowledged each time, so the broker stops");
            assertEquals(1, log.containing("max-packet-size").size(), log.lines().toString());
        }
    }
}
