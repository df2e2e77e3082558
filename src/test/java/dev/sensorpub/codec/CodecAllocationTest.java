package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.AllocationMeter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The codec's promise, measured: encoding and decoding allocate nothing once warmed up. */
class CodecAllocationTest {
    private static final int ROUNDS = 100_000;

    private final ConnectPacket connect = ConnectPacket.builder("garage-pi").cleanSession(false)
            .keepAliveSeconds(10).userName("pi").password("secret".getBytes(StandardCharsets.US_ASCII))
            .will(Topic.name("garage-pi/status"), "offline".getBytes(StandardCharsets.US_ASCII), 1, true)
            .build();
    private final Topic topic = Topic.name("garage/sensors/temperature");
    private final Topic[] filters = {Topic.filter("garage/cmd/#"), Topic.filter("homeassistant/status")};
    private final int[] qos = {1, 0};
    private final byte[] payload = "21.50".getBytes(StandardCharsets.US_ASCII);
    private final byte[] out = new byte[1024];

    private final byte[] brokerStream = everyBrokerPacket();
    private final PacketDecoder decoder = new PacketDecoder(1024);
    private final IncomingPacket packet = new IncomingPacket();
    private long checksum;

    @Test
    void encodingEveryClientPacketAllocatesNothing() throws Exception {
        long allocated = AllocationMeter.steadyStateBytes(() -> encodeAll(ROUNDS), () -> encodeAll(ROUNDS));
        assertEquals(0, allocated, "bytes allocated by " + ROUNDS + " rounds of encoding");
        assertEquals(true, checksum > 0);
    }

    @Test
    void decodingEveryBrokerPacketAllocatesNothing() throws Exception {
        long allocated = AllocationMeter.steadyStateBytes(() -> decodeAll(ROUNDS), () -> decodeAll(ROUNDS));
        assertEquals(0, allocated, "bytes allocated by " + ROUNDS + " rounds of decoding");
        assertEquals(10L * 2 * ROUNDS, checksum, "every packet of every round was decoded");
    }

    private void encodeAll(int rounds) {
        for (int i = 0; i < rounds; i++) {
            int id = 1 + (i & 0x7FFF);
            int n = PacketEncoder.encodeConnect(out, 0, connect);
            n += PacketEncoder.encodePublish(out, n, topic, 0, false, false, 0, payload, 0, payload.length);
            n += PacketEncoder.encodePublish(out, n, topic, 1, false, true, id, payload, 0, payload.length);
            n += PacketEncoder.encodePublish(out, n, topic.bytes(), 0, topic.length(), 2, true, false, id,
                    payload, 0, payload.length);
            n += PacketEncoder.encodePublishHeader(out, n, topic.bytes(), 0, topic.length(), 1, false, false, id,
                    payload.length);
            n += PacketEncoder.encodePuback(out, n, id);
            n += PacketEncoder.encodePubrec(out, n, id);
            n += PacketEncoder.encodePubrel(out, n, id);
            n += PacketEncoder.encodePubcomp(out, n, id);
            n += PacketEncoder.encodeSubscribe(out, n, id, filters, qos, 2);
            n += PacketEncoder.encodeUnsubscribe(out, n, id, filters, 2);
            n += PacketEncoder.encodePingreq(out, n);
            n += PacketEncoder.encodeDisconnect(out, n);
            checksum += n;
        }
    }

    private void decodeAll(int rounds) throws MqttProtocolException {
        checksum = 0;
        for (int i = 0; i < rounds; i++) {
            // once whole, once byte by byte
            decoder.feed(brokerStream, 0, brokerStream.length);
            while (decoder.next(packet)) {
                checksum++;
            }
            for (int b = 0; b < brokerStream.length; b++) {
                decoder.feed(brokerStream, b, 1);
                while (decoder.next(packet)) {
                    checksum++;
                }
            }
        }
    }

    private static byte[] everyBrokerPacket() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (String hex : new String[] {
            "20 02 01 00", "30 07 00 03 61 2f 62 68 69", "3b 09 00 03 61 2f 62 00 0a 68 69", "40 02 00 0a",
            "50 02 01 00", "62 02 ff ff", "70 02 00 01", "90 05 00 07 00 02 80", "b0 02 00 05", "d0 00"}) {
            s.writeBytes(Hex.bytes(hex));
        }
        return s.toByteArray();
    }
}
