package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.ControlLane;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mosquitto 2.0.11 takes at most {@code max_inflight_messages} of our QoS 1 and 2 messages at
 * once, counting each QoS 2 one from its PUBLISH to our PUBREL, and answers one past that with
 * an ordinary PUBACK or PUBREC and drops it (see {@link QuotaBroker}). Kept within
 * {@code mqtt.broker-inflight-limit}, nothing is dropped: readings, control messages and the
 * status alike.
 */
class SessionBrokerInflightLimitTest {
    /** Runs of QoS 2, then QoS 1 and 0 behind them. */
    private static final int[] QOS = {2, 2, 2, 1, 0, 2, 1, 1, 0};

    /** Queues {@code count} messages "m0", "m1", ... at the QoS of {@link #QOS} in turn; returns their payloads. */
    private static List<String> appendMixedQos(ScriptedSession s, int count) {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            s.append("pi/r", "m" + i, QOS[i % QOS.length]);
            queued.add("m" + i);
        }
        return queued;
    }

    /** Steps the session, the broker answering after each step, until drained (bounded). */
    private static void runUntilDrained(ScriptedSession s, QuotaBroker broker) {
        for (int i = 0; i < 20_000 && !s.session.isDrained(); i++) {
            s.step(1);
            broker.answer();
        }
    }

    @ParameterizedTest(name = "broker limit {0}, window {1}, closes after a drop {2}")
    @CsvSource({"1, 8, false", "2, 8, false", "5, 32, false", "20, 32, false", "1, 8, true", "3, 32, true"})
    void qos012MixedWithinTheConfiguredLimitLoseNothing(int limit, int window, boolean closesAfterDrop) {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).statusTopic("pi/status").inflightWindow(window).brokerInflightLimit(limit)
                .reconnectDelays(1, 2, 10_000));
        QuotaBroker broker = new QuotaBroker(s.socket, limit, closesAfterDrop);
        List<String> queued = appendMixedQos(s, 90);
        runUntilDrained(s, broker);
        assertEquals(0, broker.dropped.size(), "answered as taken and dropped by the broker, the first: "
                + broker.dropped.subList(0, Math.min(10, broker.dropped.size())));
        assertTrue(s.session.isDrained(), s.queue.counters().confirmed() + " of 90 confirmed");
        assertEquals(0, s.session.counters().reconnects());
        broker.delivered.remove("online");
        broker.firstWritten.remove("online");
        assertEquals(Set.copyOf(queued), broker.delivered, "every message delivered");
        assertEquals(queued, new ArrayList<>(broker.firstWritten), "first copies written in queue order");
    }

    /**
     * Without the setting the session assumes 20. mosquitto with {@code max_queued_messages 0}
     * closes the link right after the PUBACK (or PUBREC) of the message it dropped, and the
     * session learns from the close; the message answered last before it goes again.
     */
    @ParameterizedTest(name = "broker limit {0}, window {1}")
    @CsvSource({"1, 8", "2, 8", "3, 32", "5, 32"})
    void aBrokerThatClosesAfterADropLosesNothingWhileItsLimitIsLearnt(int limit, int window) {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).inflightWindow(window).reconnectDelays(1, 2, 10_000));
        QuotaBroker broker = new QuotaBroker(s.socket, limit, true);
        List<String> queued = appendMixedQos(s, 90);
        runUntilDrained(s, broker);
        assertTrue(s.session.isDrained(), s.queue.counters().confirmed() + " of 90 confirmed");
        List<String> lost = new ArrayList<>(queued);
        lost.removeAll(broker.delivered);
        assertEquals(List.of(), lost, "lost; dropped (and sent again): " + broker.dropped);
    }

    @Test
    void aControlMessageWaitsWhileOurQos2MessagesFillTheBrokersLimit() {
        ControlLane lane = new ControlLane(4, 256);
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .inflightWindow(32), lane);
        QuotaBroker broker = new QuotaBroker(s.socket, OutboundDelivery.MAX_QOS2_IN_FLIGHT, false);
        for (int i = 0; i < 40; i++) {
            s.append("pi/r", "m" + i, 2);
        }
        s.step(1);
        broker.answer(); // CONNACK
        s.step(1); // 20 QoS 2 PUBLISH written, the broker's limit
        byte[] t = "pi/relay/state".getBytes(StandardCharsets.UTF_8);
        byte[] p = "ON".getBytes(StandardCharsets.UTF_8);
        assertTrue(lane.offer(t, 0, t.length, p, 0, p.length, true));
        for (int i = 0; i < 2_000 && !s.session.isDrained(); i++) {
            s.step(1);
            broker.answer();
        }
        assertEquals(0, broker.dropped.size(), "answered as taken and dropped by the broker, the first: "
                + broker.dropped.subList(0, Math.min(10, broker.dropped.size())));
        assertTrue(broker.delivered.contains("ON"), broker.delivered.toString());
        assertEquals(41, broker.delivered.size());
    }

    @Test
    void theOnlineStatusOfAKeptSessionWaitsAtQos1WhileEarlierQos2MayFillTheBrokersLimit() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).statusTopic("pi/status").inflightWindow(4).brokerInflightLimit(2)
                .reconnectDelays(1, 2, 10_000));
        s.append("pi/r", "a", 2);
        s.append("pi/r", "b", 2);
        s.connect(ScriptedSession.CONNACK);
        s.step(1); // both QoS 2 written; the broker holds them, its PUBRECs are lost with the link
        s.socket.brokerCloses();
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        assertTrue(s.written().stream().noneMatch(p -> p.contains(" pi/status ")),
                "no QoS 0 status a broker may discard, no QoS 1 one past its limit: " + s.written());

        s.completeQos2(ScriptedSession.idOf(s.written(), "PUBLISH q2", " a"));
        s.completeQos2(ScriptedSession.idOf(s.written(), "PUBLISH q2", " b"));
        List<String> status = s.written().stream().filter(p -> p.contains(" pi/status ")).toList();
        assertEquals(1, status.size(), s.written().toString());
        assertTrue(status.get(0).matches("PUBLISH q1 r id=\\d+ pi/status online"), status.toString());
    }
}
