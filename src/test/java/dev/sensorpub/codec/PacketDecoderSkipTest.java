package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * With skipping on, a PUBLISH larger than the receive buffer is read past as it arrives and
 * reported with its QoS and packet id, so it can be acknowledged and the next packet decodes.
 */
class PacketDecoderSkipTest {
    private final PacketDecoder decoder = new PacketDecoder(64);
    private final IncomingPacket packet = new IncomingPacket();

    private static byte[] publish(int qos, int id, int topicLength, int payloadLength) {
        int remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x30 | qos << 1);
        for (int r = remaining; ; ) {
            int digit = r & 0x7F;
            r >>>= 7;
            b.write(r > 0 ? digit | 0x80 : digit);
            if (r == 0) {
                break;
            }
        }
        b.write(topicLength >> 8);
        b.write(topicLength & 0xFF);
        for (int i = 0; i < topicLength; i++) {
            b.write('t');
        }
        if (qos > 0) {
            b.write(id >> 8);
            b.write(id & 0xFF);
        }
        for (int i = 0; i < payloadLength; i++) {
            b.write('p');
        }
        return b.toByteArray();
    }

    /** Feeds {@code wire} in pieces of {@code chunk} bytes, decoding after each; returns what came out. */
    private int feedInPieces(byte[] wire, int chunk) throws MqttProtocolException {
        int decoded = 0;
        for (int at = 0; at < wire.length; ) {
            at += decoder.feed(wire, at, Math.min(chunk, wire.length - at));
            while (decoder.next(packet)) {
                decoded++;
                if (packet.discardedBytes() == 0) {
                    return decoded;
                }
                assertEquals(wire.length - 4, packet.discardedBytes(), "the whole PUBLISH was read past");
                assertEquals(PacketType.PUBLISH, packet.type());
                assertEquals(1, packet.qos());
                assertEquals(4242, packet.packetId());
            }
        }
        return decoded;
    }

    @Test
    void anOversizedPublishIsReadPastInSmallPiecesAndTheNextPacketDecodes() throws Exception {
        decoder.skipOversizedPublish(true);
        byte[] big = publish(1, 4242, 10, 5_000);
        byte[] wire = new byte[big.length + 4];
        System.arraycopy(big, 0, wire, 0, big.length);
        System.arraycopy(Hex.bytes("40 02 00 07"), 0, wire, big.length, 4);
        assertEquals(2, feedInPieces(wire, 37));
        assertEquals(PacketType.PUBACK, packet.type());
        assertEquals(7, packet.packetId());
    }

    @Test
    void aTopicLongerThanTheBufferStillYieldsThePacketId() throws Exception {
        decoder.skipOversizedPublish(true);
        byte[] big = publish(1, 4242, 300, 3);
        byte[] wire = new byte[big.length + 4];
        System.arraycopy(big, 0, wire, 0, big.length);
        System.arraycopy(Hex.bytes("d0 00 d0 00"), 0, wire, big.length, 4);
        assertEquals(2, feedInPieces(wire, 5));
        assertEquals(PacketType.PINGRESP, packet.type());
    }

    @Test
    void withoutSkippingAnOversizedPublishIsStillRefused() {
        decoder.feed(publish(1, 1, 10, 100), 0, 64);
        assertThrows(MqttProtocolException.class, () -> decoder.next(packet));
    }

    @Test
    void anOversizedPublishWhoseTopicRunsPastItIsMalformed() throws Exception {
        decoder.skipOversizedPublish(true);
        byte[] wire = publish(1, 9, 10, 100);
        wire[3] = (byte) 0xF0; // topic length 0xF00A: longer than the packet
        int at = 0;
        for (; at < wire.length - 1; ) {
            at += decoder.feed(wire, at, Math.min(16, wire.length - 1 - at));
            assertFalse(decoder.next(packet));
        }
        decoder.feed(wire, at, 1);
        MqttProtocolException e = assertThrows(MqttProtocolException.class, () -> decoder.next(packet));
        assertTrue(e.getMessage().contains("runs past"), e.getMessage());
    }
}
