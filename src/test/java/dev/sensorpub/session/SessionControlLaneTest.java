package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Control messages (state echoes, discovery) go out before the reading backlog, at QoS 1
 * retained, and the queue's overflow policy never reaches them; readings keep their order.
 */
class SessionControlLaneTest {
    private final ScriptedTransport socket = new ScriptedTransport();
    private final ManualClock clock = new ManualClock();
    /** Room for 10 readings; drop-oldest beyond that. */
    private final MemoryQueue queue = new MemoryQueue(64 * 1024, 10, OverflowPolicy.DROP_OLDEST, 256);
    private final ControlLane lane = new ControlLane(4, 256);
    private final MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .inflightWindow(4).build(), queue, lane, p -> { }, socket, clock);

    private void step() {
        clock.advanceMillis(1);
        session.service(clock.monotonicMillis());
    }

    private void control(String topic, String payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        assertTrue(lane.offer(t, 0, t.length, p, 0, p.length, true));
    }

    private void reading(int i) {
        byte[] t = "pi/temp".getBytes(StandardCharsets.UTF_8);
        byte[] p = ("r" + i).getBytes(StandardCharsets.UTF_8);
        queue.append(t, 0, t.length, p, 0, p.length, 1, false, clock.epochMillis(), 0);
    }

    /** Acknowledges every QoS 1 PUBLISH written so far, once, and returns the PUBLISH lines in order. */
    private List<String> ackAll(List<String> acked) {
        List<String> publishes = new ArrayList<>();
        for (String p : ScriptedSession.describe(socket.written())) {
            if (p.startsWith("PUBLISH")) {
                publishes.add(p);
                if (!acked.contains(p)) {
                    acked.add(p);
                    int id = Integer.parseInt(p.substring(p.indexOf("id=") + 3, p.indexOf(' ', p.indexOf("id="))));
                    socket.deliver(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                }
            }
        }
        return publishes;
    }

    @Test
    void controlMessagesGoBeforeTheBacklogAndSurviveItsOverflow() {
        for (int i = 0; i < 30; i++) {
            reading(i); // 20 of them are dropped by drop-oldest: the backlog overflowed
        }
        control("pi/relay/state", "ON");
        control("homeassistant/switch/pi/relay/config", "{}");
        control("pi/relay/state", "OFF"); // a newer state replaces the older one
        step();
        socket.deliver(ScriptedSession.CONNACK);
        List<String> acked = new ArrayList<>();
        List<String> publishes = List.of();
        for (int i = 0; i < 50 && !session.isDrained(); i++) {
            step();
            publishes = ackAll(acked);
        }
        assertTrue(session.isDrained(), publishes.toString());
        assertEquals("PUBLISH q1 r id=1 pi/relay/state OFF", publishes.get(0));
        assertEquals("PUBLISH q1 r id=2 homeassistant/switch/pi/relay/config {}", publishes.get(1));
        List<String> readings = new ArrayList<>();
        for (String p : publishes.subList(2, publishes.size())) {
            readings.add(p.substring(p.lastIndexOf(' ') + 1));
        }
        assertEquals(List.of("r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29"), readings,
                "the newest ten readings, in order");
        assertEquals(2 + 10, publishes.size());
    }

    @Test
    void aControlMessageAddedDuringTheBacklogOvertakesIt() {
        for (int i = 0; i < 10; i++) {
            reading(i);
        }
        step();
        socket.deliver(ScriptedSession.CONNACK);
        step(); // the window (4) fills with r0..r3
        control("pi/relay/state", "ON");
        List<String> acked = new ArrayList<>();
        List<String> publishes = List.of();
        for (int i = 0; i < 50 && !session.isDrained(); i++) {
            publishes = ackAll(acked);
            step();
        }
        publishes = ackAll(acked);
        int echo = publishes.indexOf(publishes.stream().filter(p -> p.contains("pi/relay/state")).findFirst()
                .orElseThrow());
        assertEquals(4, echo, "right after the window that was already full: " + publishes);
    }

    @Test
    void aControlMessageLostWithTheLinkGoesOutAgain() {
        step();
        socket.deliver(ScriptedSession.CONNACK);
        step();
        control("pi/relay/state", "ON");
        step();
        assertTrue(ScriptedSession.describe(socket.written()).contains("PUBLISH q1 r id=1 pi/relay/state ON"));
        socket.brokerCloses();
        step();
        for (int i = 0; i < 5_000 && socket.opens() < 2; i++) {
            step();
        }
        socket.deliver(ScriptedSession.CONNACK);
        step();
        step();
        assertTrue(ScriptedSession.describe(socket.written()).stream()
                .anyMatch(p -> p.matches("PUBLISH q1 r id=\\d+ pi/relay/state ON")), socket.written().length + "");
        assertEquals(1, lane.size(), "until its PUBACK");
    }
}
