package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A session on a {@link ScriptedTransport} with a {@link ManualClock}: the test plays the broker
 * byte by byte and moves time by hand, so every timing is exact.
 */
final class ScriptedSession {
    static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};
    static final byte[] CONNACK_SESSION_PRESENT = {0x20, 0x02, 0x01, 0x00};

    final ScriptedTransport socket = new ScriptedTransport();
    final ManualClock clock = new ManualClock();
    final MemoryQueue queue = TestQueues.memory();
    final MqttSession session;

    ScriptedSession(SessionSettings.Builder settings) {
        session = new MqttSession(settings.build(), queue, p -> { }, socket, clock);
    }

    ScriptedSession(SessionSettings.Builder settings, InboundHandler inbound) {
        session = new MqttSession(settings.build(), queue, inbound, socket, clock);
    }

    ScriptedSession(SessionSettings.Builder settings, ControlLane lane) {
        session = new MqttSession(settings.build(), queue, lane, p -> { }, socket, clock);
    }

    /** Moves time on by {@code millis} and runs one service round. */
    void step(long millis) {
        clock.advanceMillis(millis);
        session.service(clock.monotonicMillis());
    }

    /** Steps {@code rounds} times by {@code millis}. */
    void run(int rounds, long millis) {
        for (int i = 0; i < rounds; i++) {
            step(millis);
        }
    }

    /** Runs until the next connection attempt has opened the socket (bounded). */
    void awaitReconnect(int opensBefore) {
        for (int i = 0; i < 100_000 && socket.opens() == opensBefore; i++) {
            step(10);
        }
    }

    void connect(byte[] connack) {
        int opens = socket.opens();
        awaitReconnect(opens);
        socket.deliver(connack);
        step(1);
        assertEquals(LinkState.CONNECTED, session.state());
    }

    long append(String topic, String payload, int qos) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return queue.append(t, 0, t.length, p, 0, p.length, qos, false, clock.epochMillis(), 0);
    }

    /** Every packet the client wrote on the current connection, as "TYPE" plus details. */
    List<String> written() {
        return describe(socket.written());
    }

    /** "CONNECT", "PINGREQ", "PUBLISH q1 r id=3 topic payload", "SUBSCRIBE id=2", "PUBACK 5"... */
    static List<String> describe(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int first = bytes[at] & 0xFF;
            int type = first >>> 4;
            int end = packetEnd(bytes, at);
            int body = bodyStart(bytes, at);
            int remaining = end - body;
            out.add(switch (type) {
                case 1 -> "CONNECT";
                case 3 -> publish(bytes, first, body, remaining);
                case 4, 5, 6, 7 -> new String[] {"PUBACK", "PUBREC", "PUBREL", "PUBCOMP"}[type - 4] + " "
                        + id(bytes, body);
                case 8 -> "SUBSCRIBE id=" + id(bytes, body);
                case 12 -> "PINGREQ";
                case 14 -> "DISCONNECT";
                default -> "type " + type;
            });
            at = end;
        }
        return out;
    }

    /** Where the body of the packet starting at {@code at} begins (after its remaining length). */
    static int bodyStart(byte[] bytes, int at) {
        int p = at + 1;
        while ((bytes[p] & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }

    /** One past the last byte of the packet starting at {@code at}; its header must be complete. */
    static int packetEnd(byte[] bytes, int at) {
        int remaining = 0;
        int lengthBytes = 0;
        int digit;
        do {
            digit = bytes[at + 1 + lengthBytes] & 0xFF;
            remaining |= (digit & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
        } while ((digit & 0x80) != 0);
        return at + 1 + lengthBytes + remaining;
    }

    private static int id(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static String publish(byte[] b, int first, int body, int remaining) {
        int qos = (first >>> 1) & 3;
        int topicLength = id(b, body);
        String topic = new String(b, body + 2, topicLength, StandardCharsets.UTF_8);
        int p = body + 2 + topicLength;
        String id = "";
        if (qos > 0) {
            id = " id=" + id(b, p);
            p += 2;
        }
        return "PUBLISH q" + qos + ((first & 1) != 0 ? " r" : "") + ((first & 8) != 0 ? " dup" : "") + id + " "
                + topic + " " + new String(b, p, body + remaining - p, StandardCharsets.UTF_8);
    }

    /** The packet id of the one packet written starting with {@code prefix} and ending with {@code suffix}. */
    static int idOf(List<String> packets, String prefix, String suffix) {
        List<String> found = packets.stream().filter(p -> p.startsWith(prefix) && p.endsWith(suffix)).toList();
        assertEquals(1, found.size(), packets.toString());
        String p = found.get(0);
        int at = p.indexOf("id=") + 3;
        return Integer.parseInt(p.substring(at, p.indexOf(' ', at)));
    }

    /** A broker's PUBACK (type 4), PUBREC (5) or PUBCOMP (7) for packet {@code id}. */
    static byte[] ack(int type, int id) {
        return new byte[] {(byte) (type << 4), 2, (byte) (id >> 8), (byte) id};
    }

    /** The broker answers QoS 2 message {@code id} with PUBREC, then with PUBCOMP once our PUBREL is out. */
    void completeQos2(int id) {
        socket.deliver(ack(5, id));
        step(1);
        socket.deliver(ack(7, id));
        step(1);
    }

    /** The broker answers every QoS 1 PUBLISH written on this connection whose id is not in {@code answered} yet. */
    void pubackQos1(Set<Integer> answered) {
        for (String p : written()) {
            if (p.startsWith("PUBLISH q1")) {
                int id = idOf(List.of(p), "PUBLISH q1", "");
                if (answered.add(id)) {
                    socket.deliver(ack(4, id));
                }
            }
        }
    }
}
