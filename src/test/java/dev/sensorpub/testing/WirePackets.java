package dev.sensorpub.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BlackHoleProxy.Tap} that reads MQTT 3.1.1 packets out of the bytes a proxy forwards, in
 * the order they were written on each connection: what a client or broker really put on the wire
 * (PUBLISH with packet id, DUP, QoS and payload; acknowledgements with their packet id; other packets
 * by type), independent of either side's own account of it. Thread-safe: the proxy's thread
 * records, the test asks.
 */
public final class WirePackets implements BlackHoleProxy.Tap {
    private static final String[] TYPES = {"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
        "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
        "RESERVED"};

    /**
     * One packet as written: on which connection, in which direction, its type (3 for PUBLISH);
     * the packet id of a PUBLISH at QoS 1 or 2 or of an acknowledgement, else 0.
     */
    public record Packet(int connection, boolean toServer, int type, int qos, boolean dup, int packetId, String topic,
            String payload) {
        public boolean isPublish() {
            return type == 3;
        }

        @Override
        public String toString() {
            String where = "c" + connection + (toServer ? ">" : "<") + " ";
            if (!isPublish()) {
                return where + TYPES[type] + (packetId == 0 ? "" : " m" + packetId);
            }
            return where + "q" + qos + (dup ? " dup" : "") + " m" + packetId + " " + topic + " " + payload;
        }
    }

    private final Map<Long, ByteArrayOutputStream> pending = new HashMap<>();
    private final List<Packet> packets = new ArrayList<>();
    private String malformed;

    @Override
    public synchronized void read(int connection, boolean toServer, ByteBuffer data) {
        ByteArrayOutputStream stream = pending.computeIfAbsent(connection * 2L + (toServer ? 1 : 0),
                k -> new ByteArrayOutputStream());
        while (data.hasRemaining()) {
            stream.write(data.get());
        }
        byte[] bytes = stream.toByteArray();
        int used = parse(connection, toServer, bytes);
        stream.reset();
        stream.write(bytes, used, bytes.length - used);
    }

    /** Takes every whole packet from {@code bytes}; returns how many bytes they used. */
    private int parse(int connection, boolean toServer, byte[] bytes) {
        int at = 0;
        while (true) {
            int length = 0;
            int shift = 0;
            int p = at + 1;
            while (true) {
                if (p >= bytes.length) {
                    return at; // the length is not all here yet
                }
                int b = bytes[p++] & 0xFF;
                length |= (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
                if (shift > 21) {
                    malformed = "remaining length longer than 4 bytes on connection " + connection;
                    return bytes.length;
                }
            }
            if (p + length > bytes.length) {
                return at; // the packet is not all here yet
            }
            int header = bytes[at] & 0xFF;
            packets.add(packet(connection, toServer, header, bytes, p, length));
            at = p + length;
        }
    }

    private static Packet packet(int connection, boolean toServer, int header, byte[] bytes, int body, int length) {
        int type = header >> 4;
        if (type != 3) {
            boolean hasId = type >= 4 && type <= 7 || type == 10 || type == 11;
            int id = hasId && length >= 2 ? (bytes[body] & 0xFF) << 8 | bytes[body + 1] & 0xFF : 0;
            return new Packet(connection, toServer, type, 0, false, id, "", "");
        }
        int qos = header >> 1 & 3;
        int topicLength = (bytes[body] & 0xFF) << 8 | bytes[body + 1] & 0xFF;
        String topic = new String(bytes, body + 2, topicLength, StandardCharsets.UTF_8);
        int p = body + 2 + topicLength;
        int id = 0;
        if (qos > 0) {
            id = (bytes[p] & 0xFF) << 8 | bytes[p + 1] & 0xFF;
            p += 2;
        }
        String payload = new String(bytes, p, body + length - p, StandardCharsets.UTF_8);
        return new Packet(connection, toServer, type, qos, (header & 0x08) != 0, id, topic, payload);
    }

    /** Every packet seen so far, in the order seen (per connection and direction: the order written). */
    public synchronized List<Packet> packets() {
        return new ArrayList<>(packets);
    }

    /** Every PUBLISH seen so far, in the order seen. */
    public synchronized List<Packet> publishes() {
        List<Packet> publishes = new ArrayList<>();
        for (Packet p : packets) {
            if (p.isPublish()) {
                publishes.add(p);
            }
        }
        return publishes;
    }

    /**
     * For PUBLISH packets whose payloads count 0 .. count-1 in queue order, written in the order
     * given: "" if the first copy of each value was written in that order, every value once at
     * least; otherwise what went wrong first, with the packets around it.
     */
    public static String firstCopiesOutOfOrder(List<Packet> written, int count) {
        boolean[] seen = new boolean[count];
        int next = 0;
        for (int k = 0; k < written.size(); k++) {
            int value = counterValue(written.get(k));
            if (value < 0 || value >= count) {
                return "payload '" + written.get(k).payload() + "' is no value below " + count + around(written, k);
            }
            if (seen[value]) {
                continue;
            }
            if (value != next) {
                return "first copy of " + value + " written while " + next + " was due" + around(written, k);
            }
            seen[value] = true;
            next++;
        }
        return next == count ? "" : "values from " + next + " on never written";
    }

    /**
     * "" if on every connection each PUBLISH carries a higher counter value than the one written
     * before it on that connection; otherwise the first that does not, with the packets around it.
     */
    public static String fallsOnALink(List<Packet> written) {
        for (int k = 1; k < written.size(); k++) {
            Packet before = written.get(k - 1);
            Packet p = written.get(k);
            if (p.connection() == before.connection() && counterValue(p) <= counterValue(before)) {
                return "on connection " + p.connection() + " " + p.payload() + " written after " + before.payload()
                        + around(written, k);
            }
        }
        return "";
    }

    private static int counterValue(Packet p) {
        try {
            return Integer.parseInt(p.payload());
        } catch (NumberFormatException notACounter) {
            return -1;
        }
    }

    private static String around(List<Packet> packets, int k) {
        return ": " + packets.subList(Math.max(0, k - 3), Math.min(packets.size(), k + 2));
    }

    /** Why the stream could not be read, or null if it could. */
    public synchronized String malformed() {
        return malformed;
    }
}
