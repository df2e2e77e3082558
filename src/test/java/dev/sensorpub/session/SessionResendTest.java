package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.PacketDecoder;
import dev.sensorpub.codec.PacketType;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resending after a reconnect to a kept session, with records that expired while the link was
 * down: their window slots are freed, a QoS 2 message the broker already has still gets its
 * PUBREL, and new messages flow, never an exception out of the loop.
 */
class SessionResendTest {
    private static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};
    private static final byte[] CONNACK_SESSION_PRESENT = {0x20, 0x02, 0x01, 0x00};

    private final ScriptedTransport socket = new ScriptedTransport();
    private final MemoryQueue queue = TestQueues.memory();
    private final ManualClock clock = new ManualClock();
    private final MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .cleanSession(false).inflightWindow(4).reconnectDelays(1, 2, 10_000).build(), queue, p -> { }, socket,
            clock);

    /** Moves time on by {@code millis}; returns the new monotonic time for {@link MqttSession#service}. */
    private long step(long millis) {
        clock.advanceMillis(millis);
        return clock.monotonicMillis();
    }

    private void serviceFor(int rounds) {
        for (int i = 0; i < rounds; i++) {
            session.service(step(1));
        }
    }

    private long append(String payload, int qos, long expiresAtMillis) {
        byte[] topic = "pi/reading".getBytes(StandardCharsets.US_ASCII);
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        return queue.append(topic, 0, topic.length, p, 0, p.length, qos, false, clock.epochMillis(),
                expiresAtMillis);
    }

    /** Every packet the client wrote on the current connection, as "TYPE id payload". */
    private List<String> written() throws Exception {
        PacketDecoder d = new PacketDecoder(64 * 1024);
        byte[] bytes = socket.written();
        List<String> out = new ArrayList<>();
        IncomingPacket p = new IncomingPacket();
        int at = 0;
        while (at < bytes.length) {
            int type = (bytes[at] & 0xF0) >>> 4;
            int length = bytes[at + 1];
            if (type == PacketType.CONNECT) {
                out.add("CONNECT");
            } else if (type == PacketType.PINGREQ) {
                out.add("PINGREQ");
            } else {
                d.reset();
                d.feed(bytes, at, 2 + length);
                d.next(p);
                out.add(PacketType.name(p.type()) + " " + p.packetId() + (p.type() == PacketType.PUBLISH
                        ? " " + new String(p.buffer(), p.payloadOffset(), p.payloadLength(), StandardCharsets.US_ASCII)
                        + (p.dup() ? " dup" : "") : ""));
            }
            at += 2 + length;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void aSteppedWallClockExpiresNothingQueuedWhileOffline(String step) throws Exception {
        append("before-sync", 1, clock.monotonicMillis() + 60_000);
        clock.stepWall(java.time.Duration.parse(step)); // NTP synced as the network came up
        session.service(step(1));
        socket.deliver(CONNACK);
        serviceFor(2);
        assertEquals(List.of("CONNECT", "PUBLISH 1 before-sync"), written());
        assertEquals(0, queue.counters().droppedExpired());
        session.close();
    }

    @Test
    void expiredInFlightRecordsFreeTheirSlotsAndQos2StillGetsItsPubrel() throws Exception {
        session.service(step(1));
        socket.deliver(CONNACK);
        serviceFor(2);
        assertEquals(LinkState.CONNECTED, session.state());

        long soon = clock.monotonicMillis() + 300;
        append("q2", 2, soon);
        append("a", 1, soon);
        append("b", 1, soon);
        append("c", 1, soon);
        serviceFor(2);
        assertEquals(List.of("CONNECT", "PUBLISH 1 q2", "PUBLISH 2 a", "PUBLISH 3 b", "PUBLISH 4 c"), written());
        socket.deliver(new byte[] {0x50, 0x02, 0x00, 0x01}); // PUBREC for the QoS 2 message: the broker has it
        serviceFor(2);
        assertEquals(4, session.inflightCount(), "the window is full");

        socket.brokerCloses();
        for (int i = 0; i < 50 && socket.opens() < 2; i++) {
            session.service(step(10));
        }
        assertEquals(LinkState.AWAITING_CONNACK, session.state(), "reconnecting");
        clock.advanceMillis(400); // every in-flight record expires before the broker answers

        append("new", 1, 0);
        socket.deliver(CONNACK_SESSION_PRESENT);
        serviceFor(5);

        assertEquals(LinkState.CONNECTED, session.state());
        assertEquals(List.of("CONNECT", "PUBREL 1", "PUBLISH 5 new"), written(),
                "expired QoS 1 records are forgotten, the kept QoS 2 message is released, new ones flow");
        assertEquals(2, session.inflightCount(), "the PUBREL awaiting its PUBCOMP and the new message");
        assertTrue(queue.counters().droppedExpired() >= 3, queue.counters().toString());
        session.close();
    }

    @Test
    void unexpiredInFlightRecordsAreResentWithDupAndTheirPacketIds() throws Exception {
        session.service(step(1));
        socket.deliver(CONNACK);
        serviceFor(2);
        append("a", 1, 0);
        append("b", 1, 0);
        serviceFor(2);
        socket.deliver(new byte[] {0x40, 0x02, 0x00, 0x01}); // PUBACK for "a"
        serviceFor(2);
        socket.brokerCloses();
        serviceFor(2);
        for (int i = 0; i < 50 && socket.opens() < 2; i++) {
            session.service(step(10));
        }
        socket.deliver(CONNACK_SESSION_PRESENT);
        append("c", 1, 0);
        serviceFor(5);
        assertEquals(List.of("CONNECT", "PUBLISH 2 b dup", "PUBLISH 3 c"), written());
        session.close();
    }
}
