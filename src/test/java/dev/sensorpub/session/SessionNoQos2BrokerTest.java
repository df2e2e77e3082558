package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A broker without QoS 2 that closes the connection on a QoS 2 PUBLISH (AWS IoT Core does): issue
 * 11 asks that all readings be delivered there, explained in one line. The readings behind a QoS 2
 * one must not wait for ever behind a message the broker will never take.
 */
class SessionNoQos2BrokerTest {
    private static final String DOWNGRADE = "sending QoS 2 readings at QoS 1";

    @Test
    void readingsBehindAQos2OneReachABrokerThatClosesOnQos2() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            List<String> delivered = playBrokerWithoutQos2(s, ScriptedSession.CONNACK);
            assertTrue(delivered.size() >= 11, delivered + "; " + s.socket.opens() + " connections");
            assertEquals("q2", delivered.get(0), "the QoS 2 reading first, at QoS 1: " + delivered);
            assertEquals(0, s.queue.counters().queuedMessages(), "all readings delivered");
            assertTrue(log.containing("QoS 2").size() <= 2, log.lines().toString());
            assertEquals(1, log.containing(DOWNGRADE).size(), log.lines().toString());
        }
    }

    @Test
    void aKeptSessionSendsTheQos2ReadingAgainAsANewQos1MessageAndNeverAPubrel() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .cleanSession(false).keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            List<String> delivered = playBrokerWithoutQos2(s, ScriptedSession.CONNACK_SESSION_PRESENT);
            assertEquals(0, s.queue.counters().queuedMessages(), "all readings delivered: " + delivered);
            assertEquals("q2", delivered.get(0), delivered.toString());
            assertEquals(1, log.containing(DOWNGRADE).size(), log.lines().toString());
            assertTrue(log.containing("QoS 2").size() <= 2, log.lines().toString());
        }
    }

    @Test
    void aBrokerThatAnsweredPubrecAndClosesOnceMoreKeepsQos2() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            s.append("pi/t", "a", 2);
            s.connect(ScriptedSession.CONNACK);
            s.step(1);
            assertTrue(s.written().stream().anyMatch(p -> p.startsWith("PUBLISH q2") && p.endsWith(" a")),
                    s.written().toString());
            s.socket.brokerCloses(); // a restart, say
            s.step(1);

            s.connect(ScriptedSession.CONNACK);
            s.step(1);
            int id = idOf(s.written(), "PUBLISH q2", " a");
            s.socket.deliver(new byte[] {0x50, 2, (byte) (id >> 8), (byte) id});
            s.step(1);
            s.socket.deliver(new byte[] {0x70, 2, (byte) (id >> 8), (byte) id});
            s.step(1);
            assertEquals(0, s.queue.counters().queuedMessages(), "delivered at QoS 2");

            s.append("pi/t", "b", 2);
            s.step(1);
            idOf(s.written(), "PUBLISH q2", " b");
            s.socket.brokerCloses(); // once more, without answering
            s.step(1);

            s.connect(ScriptedSession.CONNACK);
            s.step(1);
            idOf(s.written(), "PUBLISH q2", " b"); // still QoS 2
            assertEquals(List.of(), log.containing(DOWNGRADE));
        }
    }

    /**
     * Plays a broker that closes on every QoS 2 PUBLISH and acknowledges every QoS 1 one, until
     * the queue is empty (at most 50 connections); returns the payloads acknowledged, in order.
     */
    private static List<String> playBrokerWithoutQos2(ScriptedSession s, byte[] connack) {
        s.append("pi/t", "q2", 2);
        for (int i = 0; i < 10; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        List<String> delivered = new ArrayList<>();
        for (int attempt = 0; attempt < 50 && s.queue.counters().queuedMessages() > 0; attempt++) {
            s.connect(connack);
            s.step(1);
            List<String> packets = s.written();
            assertTrue(packets.stream().noneMatch(p -> p.startsWith("PUBREL")), packets.toString());
            if (packets.stream().anyMatch(p -> p.startsWith("PUBLISH q2"))) {
                s.socket.brokerCloses();
                s.step(1);
                continue;
            }
            for (String p : packets) {
                if (p.startsWith("PUBLISH q1")) {
                    int id = idOf(List.of(p), "PUBLISH q1", "");
                    s.socket.deliver(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                    delivered.add(p.substring(p.lastIndexOf(' ') + 1));
                }
            }
            s.step(1);
        }
        return delivered;
    }

    /** The packet id of the one packet starting with {@code prefix} and ending with {@code suffix}. */
    private static int idOf(List<String> packets, String prefix, String suffix) {
        List<String> found = packets.stream().filter(p -> p.startsWith(prefix) && p.endsWith(suffix)).toList();
        assertEquals(1, found.size(), packets.toString());
        String p = found.get(0);
        int at = p.indexOf("id=") + 3;
        return Integer.parseInt(p.substring(at, p.indexOf(' ', at)));
    }
}
