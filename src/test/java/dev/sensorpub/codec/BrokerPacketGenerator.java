package dev.sensorpub.codec;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random but valid packets as a broker would send them, each with the canonical description a
 * correct decoder must give it. PUBLISH and the acks are written by {@link PacketEncoder} (the
 * wire format is the same in both directions), the rest by hand.
 */
final class BrokerPacketGenerator {
    private static final String[] TOPIC_PIECES = {"a", "garage", "temp", "°C", "€", "\uD83D\uDE00", "x_1", " "};
    private static final int[] SUBACK_CODES = {0x00, 0x01, 0x02, 0x80};

    private final SplittableRandom random;
    private final byte[] scratch = new byte[4096];

    BrokerPacketGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Appends one packet to {@code wire} and its description to {@code expected}. */
    void next(ByteArrayOutputStream wire, List<String> expected) {
        int kind = random.nextInt(9);
        int n;
        switch (kind) {
            case 0 -> {
                int rc = random.nextInt(6);
                boolean sessionPresent = rc == 0 && random.nextBoolean();
                scratch[0] = 0x20;
                scratch[1] = 2;
                scratch[2] = (byte) (sessionPresent ? 1 : 0);
                scratch[3] = (byte) rc;
                n = 4;
                expected.add(canonical(PacketType.CONNACK, 0, false, false, 0, sessionPresent, rc, "", "", ""));
            }
            case 1 -> {
                int qos = random.nextInt(3);
                boolean dup = qos > 0 && random.nextBoolean();
                boolean retain = random.nextBoolean();
                int id = qos > 0 ? 1 + random.nextInt(65_535) : 0;
                byte[] topic = Topic.name(randomTopic()).bytes();
                byte[] payload = new byte[random.nextInt(300)];
                random.nextBytes(payload);
                n = PacketEncoder.encodePublish(scratch, 0, topic, 0, topic.length, qos, dup, retain, id,
                        payload, 0, payload.length);
                expected.add(canonical(PacketType.PUBLISH, qos, dup, retain, id, false, 0, hex(topic), hex(payload), ""));
            }
            case 2, 3, 4, 5 -> {
                int id = 1 + random.nextInt(65_535);
                int type = PacketType.PUBACK + (kind - 2);
                n = switch (type) {
                    case PacketType.PUBACK -> PacketEncoder.encodePuback(scratch, 0, id);
                    case PacketType.PUBREC -> PacketEncoder.encodePubrec(scratch, 0, id);
                    case PacketType.PUBREL -> PacketEncoder.encodePubrel(scratch, 0, id);
                    default -> PacketEncoder.encodePubcomp(scratch, 0, id);
                };
                expected.add(canonical(type, 0, false, false, id, false, 0, "", "", ""));
            }
            case 6 -> {
                int id = 1 + random.nextInt(65_535);
                int count = 1 + random.nextInt(5);
                scratch[0] = (byte) 0x90;
                scratch[1] = (byte) (2 + count);
                scratch[2] = (byte) (id >>> 8);
                scratch[3] = (byte) id;
                StringBuilder codes = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    int code = SUBACK_CODES[random.nextInt(SUBACK_CODES.length)];
                    scratch[4 + i] = (byte) code;
                    codes.append(code).append(',');
                }
                n = 4 + count;
                expected.add(canonical(PacketType.SUBACK, 0, false, false, id, false, 0, "", "", codes.toString()));
            }
            case 7 -> {
                int id = 1 + random.nextInt(65_535);
                scratch[0] = (byte) 0xB0;
                scratch[1] = 2;
                scratch[2] = (byte) (id >>> 8);
                scratch[3] = (byte) id;
                n = 4;
                expected.add(canonical(PacketType.UNSUBACK, 0, false, false, id, false, 0, "", "", ""));
            }
            default -> {
                scratch[0] = (byte) 0xD0;
                scratch[1] = 0;
                n = 2;
                expected.add(canonical(PacketType.PINGRESP, 0, false, false, 0, false, 0, "", "", ""));
            }
        }
        wire.write(scratch, 0, n);
    }

    private String randomTopic() {
        StringBuilder t = new StringBuilder(TOPIC_PIECES[random.nextInt(TOPIC_PIECES.length)]);
        int levels = random.nextInt(4);
        for (int i = 0; i < levels; i++) {
            t.append('/').append(TOPIC_PIECES[random.nextInt(TOPIC_PIECES.length)]);
        }
        return t.toString();
    }

    static String describe(IncomingPacket p) {
        String topic = "";
        String payload = "";
        StringBuilder codes = new StringBuilder();
        if (p.type() == PacketType.PUBLISH) {
            topic = HexFormat.of().formatHex(p.buffer(), p.topicOffset(), p.topicOffset() + p.topicLength());
            payload = HexFormat.of().formatHex(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        }
        for (int i = 0; i < p.subackCodeCount(); i++) {
            codes.append(p.subackCode(i)).append(',');
        }
        return canonical(p.type(), p.qos(), p.dup(), p.retain(), p.packetId(), p.sessionPresent(), p.returnCode(),
                topic, payload, codes.toString());
    }

    private static String canonical(int type, int qos, boolean dup, boolean retain, int id, boolean sessionPresent,
                                    int rc, String topicHex, String payloadHex, String codes) {
        return PacketType.name(type) + " q" + qos + (dup ? " dup" : "") + (retain ? " retain" : "") + " id=" + id
                + (sessionPresent ? " sp" : "") + " rc=" + rc + " t=" + topicHex + " p=" + payloadHex + " c=" + codes;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
