package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A quirky broker and a stepped clock against the session: oversized commands split across
 * reads, a control state replaced while in flight, NTP stepping the wall clock by days, and a
 * QoS 2 message forgotten with its packet id still held by the broker.
 */
class SessionHostileBrokerTest {

    private static byte[] publish(int qos, int id, String topic, byte[] payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + t.length + (qos > 0 ? 2 : 0) + payload.length;
        byte[] out = new byte[2 + remaining];
        assertTrue(remaining < 128, "one length byte");
        out[0] = (byte) (0x30 | qos << 1);
        out[1] = (byte) remaining;
        out[3] = (byte) t.length;
        System.arraycopy(t, 0, out, 4, t.length);
        int p = 4 + t.length;
        if (qos > 0) {
            out[p++] = (byte) (id >> 8);
            out[p++] = (byte) id;
        }
        System.arraycopy(payload, 0, out, p, payload.length);
        return out;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void anOversizedQos2CommandSplitAcrossReadsIsReadPastAndTheNextOneAtTheLimitStillArrives() {
        List<String> received = new ArrayList<>();
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .maxPacketSize(64), p -> received.add(new String(p.buffer(), p.payloadOffset(), p.payloadLength(),
                        StandardCharsets.UTF_8)));
        s.connect(ScriptedSession.CONNACK);
        byte[] poison = publish(2, 0x1234, "cmd", filled(100)); // 109 bytes, limit 64
        byte[] atLimit = publish(0, 0, "cmd", filled(57)); // exactly 64 bytes
        byte[] after = publish(1, 7, "cmd", "ok".getBytes(StandardCharsets.UTF_8));
        assertEquals(64, atLimit.length);
        s.socket.deliver(Arrays.copyOfRange(poison, 0, 5)); // the topic length and half the topic
        s.step(1);
        s.socket.deliver(Arrays.copyOfRange(poison, 5, 8)); // the rest of the topic, one byte of the id
        s.step(1);
        byte[] rest = new byte[poison.length - 8 + atLimit.length + after.length];
        System.arraycopy(poison, 8, rest, 0, poison.length - 8);
        System.arraycopy(atLimit, 0, rest, poison.length - 8, atLimit.length);
        System.arraycopy(after, 0, rest, poison.length - 8 + atLimit.length, after.length);
        s.socket.deliver(rest);
        s.run(3, 1);

        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(1, s.session.counters().oversizedInboundDropped);
        assertEquals(List.of(new String(filled(57), StandardCharsets.UTF_8), "ok"), received);
        List<String> acks = new ArrayList<>(s.written());
        acks.removeIf(p -> !p.startsWith("PUB"));
        assertEquals(List.of("PUBREC 4660", "PUBACK 7"), acks, "the poison is acknowledged with its own id");
    }

    @Test
    void aStateReplacedWhileInFlightIsConfirmedOnlyByTheAckOfTheNewerOne() {
        ScriptedTransport socket = new ScriptedTransport();
        ManualClock clock = new ManualClock();
        ControlLane lane = new ControlLane(2, 64);
        MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi").build(),
                TestQueues.memory(), lane, p -> { }, socket, clock);
        Runnable step = () -> {
            clock.advanceMillis(1);
            session.service(clock.monotonicMillis());
        };
        byte[] topic = "pi/relay/state".getBytes(StandardCharsets.UTF_8);
        step.run();
        socket.deliver(ScriptedSession.CONNACK);
        step.run();
        lane.offer(topic, 0, topic.length, "ON".getBytes(StandardCharsets.UTF_8), 0, 2, true);
        step.run();
        lane.offer(topic, 0, topic.length, "OFF".getBytes(StandardCharsets.UTF_8), 0, 3, true);
        socket.deliver(new byte[] {0x40, 0x02, 0x00, 0x01}); // PUBACK for ON
        step.run();
        step.run();
        assertEquals(List.of("CONNECT", "PUBLISH q1 r id=1 pi/relay/state ON", "PUBLISH q1 r id=2 pi/relay/state OFF"),
                ScriptedSession.describe(socket.written()));
        assertEquals(1, lane.size(), "the ack of ON does not confirm OFF");
        socket.deliver(new byte[] {0x40, 0x02, 0x00, 0x02});
        step.run();
        assertTrue(lane.isEmpty());
        assertTrue(session.isDrained());
    }

    @Test
    void steppingTheWallClockByDaysMovesNoDeadline() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(10).reconnectDelays(5_000, 10_000, 30_000));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "r1", 1);
        s.step(1);
        long now = s.clock.monotonicMillis();
        long connected = s.session.nextDeadlineMillis(now);
        s.clock.stepWall(Duration.ofDays(3));
        assertEquals(connected, s.session.nextDeadlineMillis(now));
        s.clock.stepWall(Duration.ofDays(-6));
        assertEquals(connected, s.session.nextDeadlineMillis(now));
        s.step(1);
        assertEquals(LinkState.CONNECTED, s.session.state());

        s.socket.brokerCloses();
        s.step(1);
        assertEquals(LinkState.WAITING, s.session.state());
        now = s.clock.monotonicMillis();
        long reconnect = s.session.nextDeadlineMillis(now);
        s.clock.stepWall(Duration.ofDays(5));
        assertEquals(reconnect, s.session.nextDeadlineMillis(now));
        s.clock.stepWall(Duration.ofDays(-5));
        s.step(reconnect - now - 1);
        assertEquals(LinkState.WAITING, s.session.state(), "no attempt before the backoff is over");
        s.step(1);
        s.socket.deliver(ScriptedSession.CONNACK);
        s.step(1);
        assertEquals(List.of("CONNECT", "PUBLISH q1 id=2 pi/t r1"), s.written(), "the reading is still there");
    }

    /**
     * A QoS 2 PUBLISH whose record expired (or drop-oldest dropped it) before its PUBREC: the
     * broker may hold its id awaiting PUBREL, and would take a later message with that id (after
     * the ids wrap) as a duplicate and drop it. A receiver answers any PUBREL with PUBCOMP.
     */
    @Test
    void aForgottenQos2MessageReleasesItsIdAtTheBroker() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).inflightWindow(4).reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        byte[] t = "pi/t".getBytes(StandardCharsets.UTF_8);
        s.queue.append(t, 0, t.length, new byte[] {'a'}, 0, 1, 2, false, s.clock.epochMillis(),
                s.clock.monotonicMillis() + 300); // expiry is monotonic
        s.step(1);
        assertEquals(List.of("CONNECT", "PUBLISH q2 id=1 pi/t a"), s.written());
        s.socket.brokerCloses(); // the broker got it; its PUBREC is lost with the link
        s.step(1);
        s.clock.advanceMillis(400); // the record expires while the link is down
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.run(3, 1);
        assertTrue(s.written().contains("PUBREL 1"), "id 1 must be released at the broker before reuse: "
                + s.written());
    }

    /** The released id stays taken until its PUBCOMP, across another lost link too, and counts as nothing delivered. */
    @Test
    void aReleasedQos2IdIsHeldUntilItsPubcompAndNotCountedAsDelivered() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).inflightWindow(2).reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        byte[] t = "pi/t".getBytes(StandardCharsets.UTF_8);
        s.queue.append(t, 0, t.length, new byte[] {'a'}, 0, 1, 2, false, s.clock.epochMillis(),
                s.clock.monotonicMillis() + 300); // expiry is monotonic
        s.step(1);
        s.socket.brokerCloses();
        s.step(1);
        s.clock.advanceMillis(400);
        try (CapturedLog log = new CapturedLog()) {
            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            s.run(3, 1);
            assertEquals(List.of("CONNECT", "PUBREL 1"), s.written());
            assertEquals(1, s.session.inflightCount(), "id 1 is held until its PUBCOMP");
            s.append("pi/t", "b", 2);
            s.append("pi/t", "c", 2);
            s.run(3, 1);
            assertEquals(List.of("CONNECT", "PUBREL 1", "PUBLISH q2 id=2 pi/t b"), s.written(),
                    "one slot left in a window of 2; id 1 is not reused");
            // A broker with QoS 2 (it answers b): two closes on unanswered QoS 2 alone would make
            // it one without, sent QoS 1 (SessionNoQos2BrokerTest).
            s.socket.deliver(new byte[] {0x50, 0x02, 0x00, 0x02}); // PUBREC 2
            s.step(1);
            s.socket.brokerCloses(); // lost again before the PUBCOMP
            s.step(1);
            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            s.run(3, 1);
            assertTrue(s.written().contains("PUBREL 1"), "released again: " + s.written());
            s.socket.deliver(new byte[] {0x70, 0x02, 0x00, 0x01}); // PUBCOMP 1
            s.run(3, 1);
            assertTrue(s.written().contains("PUBLISH q2 id=3 pi/t c"), "the freed slot is used: " + s.written());
            assertEquals(0, s.session.counters().acknowledged(), "the forgotten message is not counted as delivered");
            assertEquals(1, log.containing("ids released").size(), log.lines().toString());
        }
    }
}
