package dev.sensorpub.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays mosquitto 2.0.11 with a {@code max_inflight_messages} of {@code limit} on a scripted
 * socket (measured with a raw client): it holds an incoming QoS 2 message from its PUBLISH to
 * our PUBREL, and a QoS 1 or QoS 2 PUBLISH that arrives while {@code limit} are held is
 * answered with an ordinary PUBACK or PUBREC (its "quota exceeded", rc151, does not exist in
 * MQTT 3.1.1) and dropped. With {@code max_queued_messages 0} it then closes the connection;
 * with its default it goes on as if nothing happened. A kept session: what it holds stays held
 * across connections.
 */
final class QuotaBroker {
    private final ScriptedTransport socket;
    private final int limit;
    private final boolean closesAfterDrop;
    /** Closes after a drop with a reset: the answers the session has not read yet are lost. */
    private final boolean resets;
    /** QoS 2 messages held from their PUBLISH to our PUBREL, by packet id. */
    final Map<Integer, String> held = new HashMap<>();
    final Set<String> delivered = new LinkedHashSet<>();
    final Set<String> firstWritten = new LinkedHashSet<>();
    /** Payloads answered as if taken and dropped ("Sending PUBACK/PUBREC ... rc151"). */
    final List<String> dropped = new ArrayList<>();
    private int connection;
    private int readUpTo;
    private boolean closed;

    QuotaBroker(ScriptedTransport socket, int limit, boolean closesAfterDrop) {
        this(socket, limit, closesAfterDrop, false);
    }

    QuotaBroker(ScriptedTransport socket, int limit, boolean closesAfterDrop, boolean resets) {
        this.resets = resets;
        this.socket = socket;
        this.limit = limit;
        this.closesAfterDrop = closesAfterDrop;
    }

    /** Reads what the session wrote since the last call and answers it, in order. */
    void answer() {
        if (socket.opens() != connection) {
            connection = socket.opens();
            readUpTo = 0;
            closed = false;
        }
        byte[] bytes = socket.written();
        while (!closed && readUpTo + 2 <= bytes.length
                && ScriptedSession.packetEnd(bytes, readUpTo) <= bytes.length) {
            int end = ScriptedSession.packetEnd(bytes, readUpTo);
            packet(bytes, readUpTo, ScriptedSession.bodyStart(bytes, readUpTo), end);
            readUpTo = end;
        }
    }

    private void packet(byte[] b, int at, int body, int end) {
        switch ((b[at] & 0xFF) >>> 4) {
            case 1 -> socket.deliver(connection == 1 ? ScriptedSession.CONNACK : ScriptedSession.CONNACK_SESSION_PRESENT);
            case 3 -> publish(b, b[at] & 0xFF, body, end);
            case 6 -> {
                int id = id(b, body);
                String payload = held.remove(id);
                if (payload != null) {
                    delivered.add(payload);
                }
                socket.deliver(new byte[] {0x70, 2, (byte) (id >> 8), (byte) id});
            }
            case 12 -> socket.deliver(new byte[] {(byte) 0xD0, 0});
            default -> { }
        }
    }

    private void publish(byte[] b, int first, int body, int end) {
        int qos = (first >>> 1) & 3;
        int p = body + 2 + id(b, body);
        int id = qos > 0 ? id(b, p) : 0;
        p += qos > 0 ? 2 : 0;
        String payload = new String(b, p, end - p, StandardCharsets.UTF_8);
        firstWritten.add(payload);
        if (qos == 0) {
            delivered.add(payload);
            return;
        }
        socket.deliver(new byte[] {(byte) (qos == 1 ? 0x40 : 0x50), 2, (byte) (id >> 8), (byte) id});
        if (qos == 2 && held.containsKey(id)) {
            return; // a DUP of a message it holds
        }
        if (held.size() >= limit) {
            dropped.add(payload);
            if (resets) {
                socket.brokerResets();
                closed = true;
            } else if (closesAfterDrop) {
                // Its answer is the last: the session reads it and the close together.
                socket.brokerClosesAfterDelivered();
                closed = true;
            }
        } else if (qos == 1) {
            delivered.add(payload);
        } else {
            held.put(id, payload);
        }
    }

    private static int id(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
