package dev.sensorpub.codec;

/**
 * Writes the packets a client sends into a caller's buffer. Every packet has a {@code ...Size}
 * method giving its exact length, so a caller can size first and then write. Each
 * {@code encode...} method checks its arguments and the space before writing a single byte, and
 * returns the number of bytes written. Nothing here allocates, except the exceptions that
 * report a caller's mistake.
 */
public final class PacketEncoder {
    /** PUBACK, PUBREC, PUBREL and PUBCOMP: fixed header plus packet id. */
    public static final int ACK_SIZE = 4;
    public static final int PINGREQ_SIZE = 2;
    public static final int DISCONNECT_SIZE = 2;

    private static final int PROTOCOL_LEVEL_3_1_1 = 4;
    /** Protocol name "MQTT" (6 bytes), level, flags, keep alive. */
    private static final int CONNECT_VARIABLE_HEADER_SIZE = 10;

    private PacketEncoder() {
    }

    // ---------------------------------------------------------------- CONNECT

    public static int connectSize(ConnectPacket c) {
        return packetSize(connectRemainingLength(c));
    }

    public static int encodeConnect(byte[] dst, int offset, ConnectPacket c) {
        int remaining = connectRemainingLength(c);
        int size = packetSize(remaining);
        requireSpace(dst, offset, size, PacketType.CONNECT);
        int p = offset;
        dst[p++] = (byte) (PacketType.CONNECT << 4);
        p = RemainingLength.write(dst, p, remaining);
        dst[p++] = 0;
        dst[p++] = 4;
        dst[p++] = 'M';
        dst[p++] = 'Q';
        dst[p++] = 'T';
        dst[p++] = 'T';
        dst[p++] = PROTOCOL_LEVEL_3_1_1;
        dst[p++] = (byte) connectFlags(c);
        p = writeShort(dst, p, c.keepAliveSeconds);
        p = writeField(dst, p, c.clientId, 0, c.clientId.length);
        if (c.willTopic != null) {
            p = writeField(dst, p, c.willTopic.bytes(), 0, c.willTopic.length());
            p = writeField(dst, p, c.willPayload, 0, c.willPayload.length);
        }
        if (c.userName != null) {
            p = writeField(dst, p, c.userName, 0, c.userName.length);
        }
        if (c.password != null) {
            p = writeField(dst, p, c.password, 0, c.password.length);
        }
        return p - offset;
    }

    private static int connectRemainingLength(ConnectPacket c) {
        int n = CONNECT_VARIABLE_HEADER_SIZE + 2 + c.clientId.length;
        if (c.willTopic != null) {
            n += 2 + c.willTopic.length() + 2 + c.willPayload.length;
        }
        if (c.userName != null) {
            n += 2 + c.userName.length;
        }
        if (c.password != null) {
            n += 2 + c.password.length;
        }
        return n;
    }

    private static int connectFlags(ConnectPacket c) {
        int flags = c.cleanSession ? 0x02 : 0;
        if (c.willTopic != null) {
            flags |= 0x04 | (c.willQos << 3) | (c.willRetain ? 0x20 : 0);
        }
        if (c.password != null) {
            flags |= 0x40;
        }
        if (c.userName != null) {
            flags |= 0x80;
        }
        return flags;
    }

    // ---------------------------------------------------------------- PUBLISH

    /** Exact size of a whole PUBLISH packet. */
    public static int publishSize(int topicLength, int payloadLength, int qos) {
        return packetSize(publishRemainingLength(topicLength, payloadLength, qos));
    }

    /** Size of a PUBLISH packet without its payload, for a gathering write. */
    public static int publishHeaderSize(int topicLength, int payloadLength, int qos) {
        return publishSize(topicLength, payloadLength, qos) - payloadLength;
    }

    /**
     * Writes a whole PUBLISH to a topic that was validated when it became a {@link Topic}; its
     * length prefix and bytes go in with one copy.
     */
    public static int encodePublish(byte[] dst, int offset, Topic topic, int qos, boolean dup, boolean retain,
                                    int packetId, byte[] payload, int payloadOffset, int payloadLength) {
        if (topic.isFilter()) {
            throw new IllegalArgumentException("PUBLISH: '" + topic + "' is a topic filter, not a topic name");
        }
        requireRange(payload, payloadOffset, payloadLength, "payload");
        int remaining = publishRemainingLength(topic.length(), payloadLength, qos, dup, packetId);
        requireSpace(dst, offset, packetSize(remaining), PacketType.PUBLISH);
        int p = writePublishFixedHeader(dst, offset, remaining, qos, dup, retain);
        byte[] field = topic.field();
        System.arraycopy(field, 0, dst, p, field.length);
        p = writePacketId(dst, p + field.length, qos, packetId);
        System.arraycopy(payload, payloadOffset, dst, p, payloadLength);
        return p + payloadLength - offset;
    }

    /**
     * Writes a whole PUBLISH to a topic given as raw bytes. They are checked here (they may come
     * back from a queue file): a scan of a few dozen bytes that keeps a broken topic off the wire.
     */
    public static int encodePublish(byte[] dst, int offset, byte[] topic, int topicOffset, int topicLength,
                                    int qos, boolean dup, boolean retain, int packetId,
                                    byte[] payload, int payloadOffset, int payloadLength) {
        requireTopicName(topic, topicOffset, topicLength);
        return writePublish(dst, offset, topic, topicOffset, topicLength, qos, dup, retain, packetId,
                payload, payloadOffset, payloadLength);
    }

    /**
     * Writes a PUBLISH up to and including its packet id, announcing {@code payloadLength} bytes
     * of payload that the caller sends next, straight from where they live.
     */
    public static int encodePublishHeader(byte[] dst, int offset, byte[] topic, int topicOffset, int topicLength,
                                          int qos, boolean dup, boolean retain, int packetId, int payloadLength) {
        requireTopicName(topic, topicOffset, topicLength);
        int remaining = publishRemainingLength(topicLength, payloadLength, qos, dup, packetId);
        requireSpace(dst, offset, packetSize(remaining) - payloadLength, PacketType.PUBLISH);
        return writePublishHeader(dst, offset, remaining, topic, topicOffset, topicLength, qos, dup, retain,
                packetId) - offset;
    }

    private static int writePublish(byte[] dst, int offset, byte[] topic, int topicOffset, int topicLength,
                                    int qos, boolean dup, boolean retain, int packetId,
                                    byte[] payload, int payloadOffset, int payloadLength) {
        requireRange(payload, payloadOffset, payloadLength, "payload");
        int remaining = publishRemainingLength(topicLength, payloadLength, qos, dup, packetId);
        requireSpace(dst, offset, packetSize(remaining), PacketType.PUBLISH);
        int p = writePublishHeader(dst, offset, remaining, topic, topicOffset, topicLength, qos, dup, retain,
                packetId);
        System.arraycopy(payload, payloadOffset, dst, p, payloadLength);
        return p + payloadLength - offset;
    }

    /** Writes what precedes the payload, once every check has passed; returns the offset after it. */
    private static int writePublishHeader(byte[] dst, int p, int remaining, byte[] topic, int topicOffset,
                                          int topicLength, int qos, boolean dup, boolean retain, int packetId) {
        p = writePublishFixedHeader(dst, p, remaining, qos, dup, retain);
        p = writeField(dst, p, topic, topicOffset, topicLength);
        return writePacketId(dst, p, qos, packetId);
    }

    private static int writePublishFixedHeader(byte[] dst, int p, int remaining, int qos, boolean dup,
                                               boolean retain) {
        dst[p] = (byte) ((PacketType.PUBLISH << 4) | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0));
        return RemainingLength.write(dst, p + 1, remaining);
    }

    /** QoS 0 carries no packet id. */
    private static int writePacketId(byte[] dst, int p, int qos, int packetId) {
        return qos > 0 ? writeShort(dst, p, packetId) : p;
    }

    private static void requireTopicName(byte[] topic, int topicOffset, int topicLength) {
        requireRange(topic, topicOffset, topicLength, "topic");
        String topicProblem = Utf8Strings.topicNameProblem(topic, topicOffset, topicLength);
        if (topicProblem != null) {
            throw new IllegalArgumentException("PUBLISH: " + topicProblem);
        }
    }

    /** Checks QoS, DUP, packet id and lengths; returns the remaining length. */
    private static int publishRemainingLength(int topicLength, int payloadLength, int qos, boolean dup,
                                              int packetId) {
        requireQos(qos, "PUBLISH");
        if (qos == 0) {
            if (dup) {
                throw new IllegalArgumentException("PUBLISH: DUP must be 0 for QoS 0");
            }
            if (packetId != 0) {
                throw new IllegalArgumentException("PUBLISH: QoS 0 carries no packet id, got " + packetId);
            }
        } else {
            requirePacketId(packetId, PacketType.PUBLISH);
        }
        return publishRemainingLength(topicLength, payloadLength, qos);
    }

    private static int publishRemainingLength(int topicLength, int payloadLength, int qos) {
        if (topicLength < 1 || topicLength > Utf8Strings.MAX_LENGTH) {
            throw new IllegalArgumentException("PUBLISH: topic length " + topicLength + " is outside 1.."
                    + Utf8Strings.MAX_LENGTH);
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("PUBLISH: payload length " + payloadLength + " is negative");
        }
        long remaining = 2L + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
        if (remaining > RemainingLength.MAX) {
            throw new IllegalArgumentException("PUBLISH: remaining length " + remaining
                    + " exceeds the MQTT maximum of " + RemainingLength.MAX);
        }
        return (int) remaining;
    }

    // ---------------------------------------------------------------- acknowledgements

    public static int encodePuback(byte[] dst, int offset, int packetId) {
        return encodeAck(dst, offset, PacketType.PUBACK, 0, packetId);
    }

    public static int encodePubrec(byte[] dst, int offset, int packetId) {
        return encodeAck(dst, offset, PacketType.PUBREC, 0, packetId);
    }

    /** PUBREL's fixed-header flags are 0b0010, as the specification requires. */
    public static int encodePubrel(byte[] dst, int offset, int packetId) {
        return encodeAck(dst, offset, PacketType.PUBREL, 0x02, packetId);
    }

    public static int encodePubcomp(byte[] dst, int offset, int packetId) {
        return encodeAck(dst, offset, PacketType.PUBCOMP, 0, packetId);
    }

    private static int encodeAck(byte[] dst, int offset, int type, int flags, int packetId) {
        requirePacketId(packetId, type);
        requireSpace(dst, offset, ACK_SIZE, type);
        dst[offset] = (byte) ((type << 4) | flags);
        dst[offset + 1] = 2;
        writeShort(dst, offset + 2, packetId);
        return ACK_SIZE;
    }

    // ---------------------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

    public static int subscribeSize(Topic[] filters, int count) {
        return packetSize(filterListLength(filters, count, 1, PacketType.SUBSCRIBE));
    }

    /** Subscribes to {@code filters[0..count)}, each with the maximum QoS in {@code qos[i]}. */
    public static int encodeSubscribe(byte[] dst, int offset, int packetId, Topic[] filters, int[] qos, int count) {
        requirePacketId(packetId, PacketType.SUBSCRIBE);
        int remaining = filterListLength(filters, count, 1, PacketType.SUBSCRIBE);
        if (qos == null || qos.length < count) {
            throw new IllegalArgumentException("SUBSCRIBE: " + count + " filters need " + count + " QoS values");
        }
        for (int i = 0; i < count; i++) {
            requireQos(qos[i], "SUBSCRIBE");
        }
        requireSpace(dst, offset, packetSize(remaining), PacketType.SUBSCRIBE);
        int p = offset;
        dst[p++] = (byte) ((PacketType.SUBSCRIBE << 4) | 0x02);
        p = RemainingLength.write(dst, p, remaining);
        p = writeShort(dst, p, packetId);
        for (int i = 0; i < count; i++) {
            p = writeField(dst, p, filters[i].bytes(), 0, filters[i].length());
            dst[p++] = (byte) qos[i];
        }
        return p - offset;
    }

    public static int unsubscribeSize(Topic[] filters, int count) {
        return packetSize(filterListLength(filters, count, 0, PacketType.UNSUBSCRIBE));
    }

    public static int encodeUnsubscribe(byte[] dst, int offset, int packetId, Topic[] filters, int count) {
        requirePacketId(packetId, PacketType.UNSUBSCRIBE);
        int remaining = filterListLength(filters, count, 0, PacketType.UNSUBSCRIBE);
        requireSpace(dst, offset, packetSize(remaining), PacketType.UNSUBSCRIBE);
        int p = offset;
        dst[p++] = (byte) ((PacketType.UNSUBSCRIBE << 4) | 0x02);
        p = RemainingLength.write(dst, p, remaining);
        p = writeShort(dst, p, packetId);
        for (int i = 0; i < count; i++) {
            p = writeField(dst, p, filters[i].bytes(), 0, filters[i].length());
        }
        return p - offset;
    }

    /** Packet id plus each filter's length-prefixed bytes and {@code bytesAfterEach} (SUBSCRIBE's QoS byte). */
    private static int filterListLength(Topic[] filters, int count, int bytesAfterEach, int type) {
        if (filters == null || count < 1 || count > filters.length) {
            throw new IllegalArgumentException(PacketType.name(type) + ": needs 1.."
                    + (filters == null ? 0 : filters.length) + " topic filters, got " + count);
        }
        long n = 2;
        for (int i = 0; i < count; i++) {
            Topic f = filters[i];
            if (f == null || !f.isFilter()) {
                throw new IllegalArgumentException(PacketType.name(type) + ": entry " + i
                        + " is not a topic filter (make it with Topic.filter)");
            }
            n += 2 + f.length() + bytesAfterEach;
        }
        if (n > RemainingLength.MAX) {
            throw new IllegalArgumentException(PacketType.name(type) + ": remaining length " + n
                    + " exceeds the MQTT maximum of " + RemainingLength.MAX);
        }
        return (int) n;
    }

    // ---------------------------------------------------------------- PINGREQ / DISCONNECT

    public static int encodePingreq(byte[] dst, int offset) {
        return encodeEmpty(dst, offset, PacketType.PINGREQ);
    }

    public static int encodeDisconnect(byte[] dst, int offset) {
        return encodeEmpty(dst, offset, PacketType.DISCONNECT);
    }

    private static int encodeEmpty(byte[] dst, int offset, int type) {
        requireSpace(dst, offset, 2, type);
        dst[offset] = (byte) (type << 4);
        dst[offset + 1] = 0;
        return 2;
    }

    // ---------------------------------------------------------------- helpers

    private static int packetSize(int remainingLength) {
        return 1 + RemainingLength.size(remainingLength) + remainingLength;
    }

    private static int writeShort(byte[] dst, int p, int value) {
        dst[p] = (byte) (value >>> 8);
        dst[p + 1] = (byte) value;
        return p + 2;
    }

    private static int writeField(byte[] dst, int p, byte[] src, int srcOffset, int length) {
        p = writeShort(dst, p, length);
        System.arraycopy(src, srcOffset, dst, p, length);
        return p + length;
    }

    private static void requireSpace(byte[] dst, int offset, int needed, int type) {
        if (dst == null) {
            throw new IllegalArgumentException(PacketType.name(type) + ": destination buffer is null");
        }
        if (offset < 0 || offset > dst.length || dst.length - offset < needed) {
            throw new IllegalArgumentException(PacketType.name(type) + " needs " + needed
                    + " bytes but the buffer of " + dst.length + " bytes has "
                    + Math.max(0, dst.length - Math.max(0, offset)) + " from offset " + offset);
        }
    }

    private static void requireRange(byte[] src, int offset, int length, String what) {
        if (src == null || offset < 0 || length < 0 || offset > src.length - length) {
            throw new IllegalArgumentException("PUBLISH: " + what + " range [" + offset + ", +" + length
                    + ") lies outside its array of " + (src == null ? "null" : src.length + " bytes"));
        }
    }

    private static void requirePacketId(int packetId, int type) {
        if (packetId < 1 || packetId > 65_535) {
            throw new IllegalArgumentException(PacketType.name(type) + ": packet id " + packetId
                    + " is outside 1..65535");
        }
    }

    private static void requireQos(int qos, String packet) {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException(packet + ": QoS " + qos + " is not 0, 1 or 2");
        }
    }
}
