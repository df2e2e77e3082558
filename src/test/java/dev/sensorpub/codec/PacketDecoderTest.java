package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketDecoderTest {
    /** One of every packet a broker may send, with the description {@link #describe} gives it. */
    private static final String[][] BROKER_PACKETS = {
        {"20 02 01 00", "CONNACK session-present rc=0"},
        {"20 02 00 05", "CONNACK rc=5"},
        {"30 07 00 03 61 2f 62 68 69", "PUBLISH q0 topic=a/b payload=hi"},
        {"3b 09 00 03 61 2f 62 00 0a 68 69", "PUBLISH q1 dup retain id=10 topic=a/b payload=hi"},
        {"34 07 00 03 61 2f 62 ab cd", "PUBLISH q2 id=43981 topic=a/b payload="},
        {"40 02 00 0a", "PUBACK id=10"},
        {"50 02 01 00", "PUBREC id=256"},
        {"62 02 ff ff", "PUBREL id=65535"},
        {"70 02 00 01", "PUBCOMP id=1"},
        {"90 05 00 07 00 02 80", "SUBACK id=7 codes=0,2,128"},
        {"b0 02 00 05", "UNSUBACK id=5"},
        {"d0 00", "PINGRESP"},
    };

    private final PacketDecoder decoder = new PacketDecoder(1024);
    private final IncomingPacket packet = new IncomingPacket();

    @Test
    void decodesEveryPacketABrokerMaySend() throws Exception {
        for (String[] row : BROKER_PACKETS) {
            assertEquals(List.of(row[1]), decodeAll(decoder, Hex.bytes(row[0]), Integer.MAX_VALUE), row[0]);
        }
    }

    @Test
    void decodesTheSameStreamWhateverTheSplit() throws Exception {
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String[] row : BROKER_PACKETS) {
            stream.append(row[0]).append(' ');
            expected.add(row[1]);
        }
        byte[] bytes = Hex.bytes(stream.toString().trim());
        for (int chunk : new int[] {1, 2, 3, 5, 7, 13, bytes.length}) {
            assertEquals(expected, decodeAll(new PacketDecoder(64), bytes, chunk), "chunk size " + chunk);
        }
    }

    @Test
    void theTransportMayReadStraightIntoTheReceiveBuffer() throws Exception {
        byte[] pingresp = Hex.bytes("d0 00");
        assertFalse(decoder.next(packet));
        System.arraycopy(pingresp, 0, decoder.buffer(), decoder.writeOffset(), 2);
        decoder.commit(2);
        assertTrue(decoder.next(packet));
        assertEquals(PacketType.PINGRESP, packet.type());
        assertFalse(decoder.next(packet));
        assertEquals(0, decoder.pendingBytes());
    }

    @Test
    void publishTopicAndPayloadAreViewsIntoTheReceiveBuffer() throws Exception {
        decoder.feed(Hex.bytes("30 07 00 03 61 2f 62 68 69"), 0, 9);
        assertTrue(decoder.next(packet));
        assertTrue(packet.buffer() == decoder.buffer());
        assertTrue(packet.topicEquals(Topic.name("a/b")));
        assertFalse(packet.topicEquals(Topic.name("a/c")));
        assertEquals("hi", new String(packet.buffer(), packet.payloadOffset(), packet.payloadLength(),
                StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @CsvSource({
        "127,     7f",
        "128,     80 01",
        "16383,   ff 7f",
        "16384,   80 80 01",
        "2097151, ff ff 7f",
        "2097152, 80 80 80 01",
    })
    void decodesRemainingLengthAtEveryBoundary(int remainingLength, String lengthBytes) throws Exception {
        byte[] header = Hex.bytes("30 " + lengthBytes + " 00 01 74");
        int size = header.length + remainingLength - 3;
        byte[] wire = new byte[size];
        System.arraycopy(header, 0, wire, 0, header.length);
        PacketDecoder big = new PacketDecoder(size);
        assertEquals(size, big.feed(wire, 0, size));
        assertTrue(big.next(packet));
        assertEquals(remainingLength, packet.remainingLength());
        assertEquals(remainingLength - 3, packet.payloadLength());
    }

    @Test
    void theLargestRemainingLengthIsParsedAndRefusedAsTooLarge() {
        assertMalformed("ff ff ff 7f", "PUBLISH of 268435460 bytes exceeds the maximum packet size of 1024 bytes",
                "30 ff ff ff 7f");
    }

    @Test
    void anOversizedPacketIsRefusedAsSoonAsItsHeaderIsComplete() {
        PacketDecoder small = new PacketDecoder(64);
        small.feed(Hex.bytes("32 c8 01"), 0, 3);
        MqttProtocolException e = assertThrows(MqttProtocolException.class, () -> small.next(packet));
        assertEquals("PUBLISH of 203 bytes exceeds the maximum packet size of 64 bytes", e.getMessage());
    }

    @Test
    void afterAnErrorTheDecoderStartsEmptyAndDecodesTheNextConnection() throws Exception {
        decoder.feed(Hex.bytes("20 03 00 00 00 d0 00"), 0, 7);
        assertThrows(MqttProtocolException.class, () -> decoder.next(packet));
        assertEquals(0, decoder.pendingBytes());
        assertEquals(List.of("CONNACK rc=0"), decodeAll(decoder, Hex.bytes("20 02 00 00"), 1));
    }

    @ParameterizedTest
    @CsvSource({"10 00, CONNECT", "80 00, SUBSCRIBE", "a0 00, UNSUBSCRIBE", "c0 00, PINGREQ", "e0 00, DISCONNECT"})
    void packetTypesOnlyAClientSendsAreRefused(String wire, String type) {
        MqttProtocolException e = assertThrows(MqttProtocolException.class, () -> decodeAll(decoder, Hex.bytes(wire), 1));
        assertEquals("sent " + type, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"00 00, 0", "f0 00, 15"})
    void reservedPacketTypesAreNamedByNumber(String wire, int type) {
        MqttProtocolException e = assertThrows(MqttProtocolException.class, () -> decodeAll(decoder, Hex.bytes(wire), 1));
        assertEquals("type " + type + " (reserved)", e.getMessage());
    }

    @Test
    void everyValidationRuleHasItsOwnReason() {
        assertMalformed("reserved flags", "CONNACK fixed-header flags 0x1, expected 0x0", "21 02 00 00");
        assertMalformed("reserved flags", "PUBACK fixed-header flags 0x4, expected 0x0", "44 02 00 01");
        assertMalformed("PUBREL flags", "PUBREL fixed-header flags 0x0, expected 0x2", "60 02 00 01");
        assertMalformed("PINGRESP flags", "PINGRESP fixed-header flags 0x1, expected 0x0", "d1 00");
        assertMalformed("5th length byte", "PUBLISH remaining length runs past 4 bytes", "30 ff ff ff ff 01");
        assertMalformed("non-minimal", "PUBLISH remaining length uses 2 bytes for 0; MQTT requires the shortest encoding",
                "30 80 00");
        assertMalformed("non-minimal", "PINGRESP remaining length uses 3 bytes for 1; MQTT requires the shortest encoding",
                "d0 81 80 00");
        assertMalformed("CONNACK length", "CONNACK remaining length 3, expected 2", "20 03 00 00 00");
        assertMalformed("CONNACK reserved", "CONNACK acknowledge flags 0x2 set reserved bits 7-1", "20 02 02 00");
        assertMalformed("CONNACK code", "CONNACK return code 6 is not one of 0-5", "20 02 00 06");
        assertMalformed("CONNACK session", "CONNACK refuses (5) yet says session present", "20 02 01 05");
        assertMalformed("QoS 3", "PUBLISH with QoS 3, which does not exist", "36 05 00 01 74 00 01");
        assertMalformed("DUP on QoS 0", "PUBLISH with QoS 0 has DUP set", "38 03 00 01 74");
        assertMalformed("packet id 0", "PUBLISH with packet id 0", "32 07 00 03 61 2f 62 00 00");
        assertMalformed("topic length", "PUBLISH topic length 5 runs past the remaining length 4", "30 04 00 05 61 62");
        assertMalformed("no room for topic", "PUBLISH remaining length 1 cannot hold a topic", "30 01 00");
        assertMalformed("no room for id", "PUBLISH remaining length 3 cannot hold a topic and a packet id",
                "32 03 00 00 61");
        assertMalformed("topic id overlap", "PUBLISH topic length 3 runs past the remaining length 6",
                "32 06 00 03 61 2f 62 00");
        assertMalformed("empty topic", "PUBLISH topic name is empty", "30 02 00 00");
        assertMalformed("overlong UTF-8", "PUBLISH topic name is not well-formed UTF-8 at byte 0", "30 04 00 02 c0 80");
        assertMalformed("surrogate", "PUBLISH topic name is not well-formed UTF-8 at byte 1", "30 06 00 04 61 ed a0 80");
        assertMalformed("truncated UTF-8", "PUBLISH topic name is not well-formed UTF-8 at byte 1", "30 04 00 02 61 e2");
        assertMalformed("NUL", "PUBLISH topic name contains U+0000 at byte 1", "30 04 00 02 61 00");
        assertMalformed("wildcard", "PUBLISH topic name contains wildcard '+' at byte 2", "30 05 00 03 61 2f 2b");
        assertMalformed("ack id 0", "PUBACK with packet id 0", "40 02 00 00");
        assertMalformed("ack length", "PUBCOMP remaining length 3, expected 2", "70 03 00 01 00");
        assertMalformed("unsuback length", "UNSUBACK remaining length 1, expected 2", "b0 01 00");
        assertMalformed("suback length", "SUBACK remaining length 2, expected a packet id and at least one return code",
                "90 02 00 01");
        assertMalformed("suback code", "SUBACK return code 0x3 for filter 1 is not 0x00, 0x01, 0x02 or 0x80",
                "90 04 00 01 00 03");
        assertMalformed("suback id 0", "SUBACK with packet id 0", "90 03 00 00 00");
        assertMalformed("PINGRESP length", "PINGRESP remaining length 1, expected 0", "d0 01 00");
    }

    @Test
    void validUtf8TopicsOfEveryWidthAreAccepted() throws Exception {
        String topic = "a/°/€/\uD83D\uDE00";
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] wire = new byte[4 + t.length];
        wire[0] = 0x30;
        wire[1] = (byte) (2 + t.length);
        wire[3] = (byte) t.length;
        System.arraycopy(t, 0, wire, 4, t.length);
        assertEquals(List.of("PUBLISH q0 topic=" + topic + " payload="), decodeAll(decoder, wire, 1));
    }

    @Test
    void aDecoderMustHoldAtLeastTheSmallestUsefulPacket() {
        assertThrows(IllegalArgumentException.class, () -> new PacketDecoder(15));
    }

    private void assertMalformed(String rule, String expectedReason, String wire) {
        MqttProtocolException e = assertThrows(MqttProtocolException.class,
                () -> decodeAll(new PacketDecoder(1024), Hex.bytes(wire), Integer.MAX_VALUE), rule);
        assertEquals(expectedReason, e.getMessage(), rule);
    }

    /** Feeds {@code wire} in chunks of {@code chunk} bytes and describes every packet decoded. */
    static List<String> decodeAll(PacketDecoder d, byte[] wire, int chunk) throws MqttProtocolException {
        List<String> out = new ArrayList<>();
        IncomingPacket p = new IncomingPacket();
        int fed = 0;
        while (fed < wire.length) {
            fed += d.feed(wire, fed, Math.min(chunk, wire.length - fed));
            while (d.next(p)) {
                out.add(describe(p));
            }
        }
        return out;
    }

    static String describe(IncomingPacket p) {
        StringBuilder s = new StringBuilder(PacketType.name(p.type()));
        switch (p.type()) {
            case PacketType.CONNACK -> s.append(p.sessionPresent() ? " session-present" : "").append(" rc=")
                    .append(p.returnCode());
            case PacketType.PUBLISH -> {
                s.append(" q").append(p.qos()).append(p.dup() ? " dup" : "").append(p.retain() ? " retain" : "");
                if (p.qos() > 0) {
                    s.append(" id=").append(p.packetId());
                }
                s.append(" topic=").append(new String(p.buffer(), p.topicOffset(), p.topicLength(), StandardCharsets.UTF_8))
                        .append(" payload=")
                        .append(new String(p.buffer(), p.payloadOffset(), p.payloadLength(), StandardCharsets.UTF_8));
            }
            case PacketType.SUBACK -> {
                s.append(" id=").append(p.packetId()).append(" codes=");
                for (int i = 0; i < p.subackCodeCount(); i++) {
                    s.append(i == 0 ? "" : ",").append(p.subackCode(i));
                }
            }
            case PacketType.PINGRESP -> { }
            default -> s.append(" id=").append(p.packetId());
        }
        return s.toString();
    }
}
