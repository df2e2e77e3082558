package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading packets off a proxied stream, and the two order checks the broker tests make with it. */
class WirePacketsTest {
    @Test
    void readsPacketsSplitAnyWayAcrossReadsPerConnectionAndDirection() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(RawPackets.connect("c"));
        stream.writeBytes(publish(1, false, 7, "a/b", "12"));
        stream.writeBytes(new byte[] {0x62, 0x02, 0x00, 0x07}); // PUBREL 7
        stream.writeBytes(publish(2, true, 300, "a/b", "x".repeat(200))); // two length bytes
        stream.writeBytes(publish(0, false, 0, "a/b", "13"));
        byte[] bytes = stream.toByteArray();
        WirePackets wire = new WirePackets();
        wire.read(1, false, ByteBuffer.wrap(new byte[] {0x40, 0x02})); // PUBACK 5 from the server, in two reads
        for (int i = 0; i < bytes.length; i += 3) {
            wire.read(1, true, ByteBuffer.wrap(bytes, i, Math.min(3, bytes.length - i)));
        }
        wire.read(1, false, ByteBuffer.wrap(new byte[] {0x00, 0x05}));

        assertNull(wire.malformed());
        assertEquals("[c1> CONNECT, c1> q1 m7 a/b 12, c1> PUBREL m7, c1> q2 dup m300 a/b " + "x".repeat(200)
                + ", c1> q0 m0 a/b 13, c1< PUBACK m5]", wire.packets().toString());
        assertEquals(3, wire.publishes().size());
    }

    @Test
    void firstCopiesMustComeInQueueOrderAndAllOfThem() {
        assertEquals("", WirePackets.firstCopiesOutOfOrder(List.of(p(1, 0), p(1, 1), p(2, 0), p(2, 1), p(2, 2)), 3));
        String late = WirePackets.firstCopiesOutOfOrder(List.of(p(1, 0), p(1, 2), p(1, 1)), 3);
        assertTrue(late.startsWith("first copy of 2 written while 1 was due"), late);
        assertEquals("values from 2 on never written", WirePackets.firstCopiesOutOfOrder(List.of(p(1, 0), p(1, 1)), 3));
    }

    @Test
    void onALinkEveryPublishClimbsAndANewLinkMayStartLower() {
        assertEquals("", WirePackets.fallsOnALink(List.of(p(1, 0), p(1, 1), p(2, 0), p(2, 2))));
        String fall = WirePackets.fallsOnALink(List.of(p(1, 0), p(1, 2), p(1, 1)));
        assertTrue(fall.startsWith("on connection 1 1 written after 2"), fall);
        assertTrue(WirePackets.fallsOnALink(List.of(p(1, 3), p(1, 3))).startsWith("on connection 1 3 written after 3"));
    }

    private static WirePackets.Packet p(int connection, int value) {
        return new WirePackets.Packet(connection, true, 3, 1, false, value + 1, "t", String.valueOf(value));
    }

    private static byte[] publish(int qos, boolean dup, int id, String topic, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        body.write(t.length >> 8);
        body.write(t.length);
        body.writeBytes(t);
        if (qos > 0) {
            body.write(id >> 8);
            body.write(id);
        }
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x30 | (dup ? 0x08 : 0) | qos << 1);
        int length = body.size();
        do {
            int b = length & 0x7F;
            length >>= 7;
            packet.write(length > 0 ? b | 0x80 : b);
        } while (length > 0);
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }
}
