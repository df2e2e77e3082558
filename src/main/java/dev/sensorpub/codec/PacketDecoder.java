package dev.sensorpub.codec;

/**
 * Decodes what a broker sends, in place, from one fixed receive buffer. Bytes may arrive in any
 * split: the transport reads into {@link #buffer()} at {@link #writeOffset()} and calls
 * {@link #commit}; the loop then calls {@link #next} until it returns false.
 *
 * <p>The buffer is as large as the largest packet we accept, so a partial packet always fits
 * once the consumed bytes before it are moved out. A packet announcing more than that is refused
 * as soon as its fixed header is complete, before any of its body is read: an allocation or a
 * read can never be sized by the wire, and the stream never falls out of step, because the only
 * way on after an error is a new connection and {@link #reset()}.
 */
public final class PacketDecoder {
    /** The smallest maximum that still lets a broker talk to us: CONNACK, acks, a tiny PUBLISH. */
    public static final int MIN_MAX_PACKET_SIZE = 16;

    private static final int SESSION_PRESENT = 0x01;

    private final byte[] buffer;
    /** First byte not yet consumed. */
    private int start;
    /** One past the last byte received. */
    private int end;

    private boolean skipOversizedPublish;
    /** Body length of the oversized PUBLISH being read past; 0 when none is. */
    private long skipBody;
    private long skipped;
    private int skipFirstByte;
    private int skipHeaderBytes;
    private int skipTopicLength;
    private int skipPacketId;

    public PacketDecoder(int maxPacketSize) {
        if (maxPacketSize < MIN_MAX_PACKET_SIZE || maxPacketSize > 1 + 4 + RemainingLength.MAX) {
            throw new IllegalArgumentException("maximum packet size " + maxPacketSize + " is outside "
                    + MIN_MAX_PACKET_SIZE + ".." + (1 + 4 + RemainingLength.MAX) + " bytes");
        }
        this.buffer = new byte[maxPacketSize];
    }

    public int maxPacketSize() {
        return buffer.length;
    }

    /** The receive buffer; the transport writes into it from {@link #writeOffset()}. */
    public byte[] buffer() {
        return buffer;
    }

    public int writeOffset() {
        return end;
    }

    public int writableBytes() {
        return buffer.length - end;
    }

    /** Bytes received but not yet consumed by {@link #next}. */
    public int pendingBytes() {
        return end - start;
    }

    /** The transport wrote {@code count} bytes at {@link #writeOffset()}. */
    public void commit(int count) {
        if (count < 0 || count > writableBytes()) {
            throw new IllegalArgumentException("commit of " + count + " bytes, but only " + writableBytes()
                    + " were writable");
        }
        end += count;
    }

    /** Copies as much of {@code src} as fits; returns how many bytes were taken. */
    public int feed(byte[] src, int offset, int length) {
        if (start > 0 && writableBytes() < length) {
            compact();
        }
        int n = Math.min(length, writableBytes());
        System.arraycopy(src, offset, buffer, end, n);
        end += n;
        return n;
    }

    /** Forgets everything received: call it for each new connection. */
    public void reset() {
        start = 0;
        end = 0;
        skipBody = 0;
    }

    /**
     * With {@code true}, a PUBLISH larger than the maximum packet size is read past instead of
     * refused: its bytes are consumed as they arrive, never buffered, and {@link #next} then
     * returns it with {@link IncomingPacket#discardedBytes()} set and only its QoS and packet id,
     * so the caller can acknowledge it and the stream stays in step. Other packet types that are
     * too large are still refused.
     */
    public void skipOversizedPublish(boolean skip) {
        this.skipOversizedPublish = skip;
    }

    /**
     * Decodes the next complete packet into {@code out}.
     *
     * @return false when more bytes are needed (nothing is consumed then)
     * @throws MqttProtocolException when the broker broke the protocol; the receive buffer is
     *     emptied, and the link must be closed
     */
    public boolean next(IncomingPacket out) throws MqttProtocolException {
        try {
            return decodeNext(out);
        } catch (MqttProtocolException e) {
            reset();
            throw e;
        }
    }

    private boolean decodeNext(IncomingPacket out) throws MqttProtocolException {
        if (skipBody > 0) {
            return skipPublish(out);
        }
        int available = end - start;
        if (available == 0) {
            compact();
            return false;
        }
        int first = buffer[start] & 0xFF;
        int type = first >>> 4;
        checkTypeAndFlags(type, first & 0x0F);

        // Remaining length: 1 to 4 bytes, each carrying 7 bits, least significant first.
        int remaining = 0;
        int lengthBytes = 0;
        int digit;
        do {
            if (lengthBytes == 4) {
                throw new MqttProtocolException(PacketType.name(type)
                        + " remaining length runs past 4 bytes");
            }
            if (1 + lengthBytes >= available) {
                compact();
                return false;
            }
            digit = buffer[start + 1 + lengthBytes] & 0xFF;
            remaining |= (digit & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
        } while ((digit & 0x80) != 0);
        if (lengthBytes > 1 && digit == 0) {
            throw new MqttProtocolException(PacketType.name(type) + " remaining length uses " + lengthBytes
                    + " bytes for " + remaining + "; MQTT requires the shortest encoding");
        }

        long packetSize = 1L + lengthBytes + remaining;
        if (packetSize > buffer.length && type == PacketType.PUBLISH && skipOversizedPublish) {
            int qos = (first >>> 1) & 0x03;
            if (remaining < 2 + (qos > 0 ? 2 : 0)) {
                throw new MqttProtocolException("PUBLISH remaining length " + remaining + " cannot hold a topic");
            }
            skipBody = remaining;
            skipped = 0;
            skipFirstByte = first;
            skipHeaderBytes = 1 + lengthBytes;
            skipTopicLength = 0;
            skipPacketId = 0;
            start += skipHeaderBytes;
            return skipPublish(out);
        }
        if (packetSize > buffer.length) {
            throw new MqttProtocolException(PacketType.name(type) + " of " + packetSize
                    + " bytes exceeds the maximum packet size of " + buffer.length + " bytes");
        }
        if (available < packetSize) {
            compact();
            return false;
        }

        int body = start + 1 + lengthBytes;
        out.clear();
        out.buffer = buffer;
        out.type = type;
        out.remainingLength = remaining;
        switch (type) {
            case PacketType.CONNACK -> decodeConnack(out, body, remaining);
            case PacketType.PUBLISH -> decodePublish(out, first, body, remaining);
            case PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.UNSUBACK ->
                    out.packetId = decodeAckPacketId(type, body, remaining);
            case PacketType.SUBACK -> decodeSuback(out, body, remaining);
            case PacketType.PINGRESP -> requireRemaining(type, remaining, 0);
            default -> throw new IllegalStateException("type " + type + " passed the whitelist");
        }
        start += (int) packetSize;
        return true;
    }

    /**
     * Consumes what has arrived of the oversized PUBLISH, keeping only its topic length (to find
     * the packet id) and its packet id; returns true once its last byte is consumed.
     */
    private boolean skipPublish(IncomingPacket out) throws MqttProtocolException {
        int qos = (skipFirstByte >>> 1) & 0x03;
        while (skipped < skipBody && start < end) {
            long idAt = 2L + skipTopicLength;
            boolean lengthByte = skipped < 2;
            boolean idByte = qos > 0 && skipped >= 2 && skipped >= idAt && skipped < idAt + 2;
            if (lengthByte || idByte) {
                int b = buffer[start++] & 0xFF;
                if (lengthByte) {
                    skipTopicLength = (skipTopicLength << 8) | b;
                } else {
                    skipPacketId = (skipPacketId << 8) | b;
                }
                skipped++;
                continue;
            }
            long until = qos > 0 && skipped < idAt ? Math.min(idAt, skipBody) : skipBody;
            int n = (int) Math.min(end - start, until - skipped);
            start += n;
            skipped += n;
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (skipped < skipBody) {
            return false;
        }
        long body = skipBody;
        skipBody = 0;
        if (2L + skipTopicLength + (qos > 0 ? 2 : 0) > body) {
            throw new MqttProtocolException("PUBLISH topic length " + skipTopicLength
                    + " runs past the remaining length " + body);
        }
        if (qos > 0 && skipPacketId == 0) {
            throw new MqttProtocolException("PUBLISH with packet id 0");
        }
        out.clear();
        out.buffer = buffer;
        out.type = PacketType.PUBLISH;
        out.remainingLength = (int) body;
        out.qos = qos;
        out.packetId = skipPacketId;
        out.dup = (skipFirstByte & 0x08) != 0;
        out.retain = (skipFirstByte & 0x01) != 0;
        out.discardedBytes = skipHeaderBytes + body;
        return true;
    }

    /** A client may only receive these nine types, each with the exact flags the specification fixes. */
    private static void checkTypeAndFlags(int type, int flags) throws MqttProtocolException {
        switch (type) {
            case PacketType.PUBLISH -> {
                if ((flags & 0x06) == 0x06) {
                    throw new MqttProtocolException("PUBLISH with QoS 3, which does not exist");
                }
                if ((flags & 0x08) != 0 && (flags & 0x06) == 0) {
                    throw new MqttProtocolException("PUBLISH with QoS 0 has DUP set");
                }
            }
            case PacketType.PUBREL -> {
                if (flags != 0x02) {
                    throw new MqttProtocolException("PUBREL fixed-header flags 0x" + Integer.toHexString(flags)
                            + ", expected 0x2");
                }
            }
            case PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBCOMP,
                    PacketType.SUBACK, PacketType.UNSUBACK, PacketType.PINGRESP -> {
                if (flags != 0) {
                    throw new MqttProtocolException(PacketType.name(type) + " fixed-header flags 0x"
                            + Integer.toHexString(flags) + ", expected 0x0");
                }
            }
            // Short, as it goes into one log line with what happens next.
            case 0, 15 -> throw new MqttProtocolException(PacketType.name(type));
            default -> throw new MqttProtocolException("sent " + PacketType.name(type));
        }
    }

    private void decodeConnack(IncomingPacket out, int body, int remaining) throws MqttProtocolException {
        requireRemaining(PacketType.CONNACK, remaining, 2);
        int flags = buffer[body] & 0xFF;
        int code = buffer[body + 1] & 0xFF;
        if ((flags & ~SESSION_PRESENT) != 0) {
            throw new MqttProtocolException("CONNACK acknowledge flags 0x" + Integer.toHexString(flags)
                    + " set reserved bits 7-1");
        }
        if (code > ConnectReturnCode.NOT_AUTHORIZED) {
            throw new MqttProtocolException("CONNACK return code " + code + " is not one of 0-5");
        }
        if (code != ConnectReturnCode.ACCEPTED && (flags & SESSION_PRESENT) != 0) {
            throw new MqttProtocolException("CONNACK refuses (" + code + ") yet says session present");
        }
        out.sessionPresent = (flags & SESSION_PRESENT) != 0;
        out.returnCode = code;
    }

    private void decodePublish(IncomingPacket out, int first, int body, int remaining) throws MqttProtocolException {
        int qos = (first >>> 1) & 0x03;
        int fixed = 2 + (qos > 0 ? 2 : 0);
        if (remaining < fixed) {
            throw new MqttProtocolException("PUBLISH remaining length " + remaining + " cannot hold a topic"
                    + (qos > 0 ? " and a packet id" : ""));
        }
        int topicLength = readShort(body);
        if (topicLength > remaining - fixed) {
            throw new MqttProtocolException("PUBLISH topic length " + topicLength + " runs past the remaining length "
                    + remaining);
        }
        String topicProblem = Utf8Strings.topicNameProblem(buffer, body + 2, topicLength);
        if (topicProblem != null) {
            throw new MqttProtocolException("PUBLISH " + topicProblem);
        }
        int p = body + 2 + topicLength;
        if (qos > 0) {
            out.packetId = readPacketId(PacketType.PUBLISH, p);
            p += 2;
        }
        out.qos = qos;
        out.dup = (first & 0x08) != 0;
        out.retain = (first & 0x01) != 0;
        out.topicOffset = body + 2;
        out.topicLength = topicLength;
        out.payloadOffset = p;
        out.payloadLength = body + remaining - p;
    }

    private int decodeAckPacketId(int type, int body, int remaining) throws MqttProtocolException {
        requireRemaining(type, remaining, 2);
        return readPacketId(type, body);
    }

    private int readPacketId(int type, int p) throws MqttProtocolException {
        int id = readShort(p);
        if (id == 0) {
            throw new MqttProtocolException(PacketType.name(type) + " with packet id 0");
        }
        return id;
    }

    private void decodeSuback(IncomingPacket out, int body, int remaining) throws MqttProtocolException {
        if (remaining < 3) {
            throw new MqttProtocolException("SUBACK remaining length " + remaining
                    + ", expected a packet id and at least one return code");
        }
        out.packetId = readPacketId(PacketType.SUBACK, body);
        for (int i = body + 2; i < body + remaining; i++) {
            int code = buffer[i] & 0xFF;
            if (code != 0x00 && code != 0x01 && code != 0x02 && code != 0x80) {
                throw new MqttProtocolException("SUBACK return code 0x" + Integer.toHexString(code)
                        + " for filter " + (i - body - 2) + " is not 0x00, 0x01, 0x02 or 0x80");
            }
        }
        out.subackCodesOffset = body + 2;
        out.subackCodeCount = remaining - 2;
    }

    private static void requireRemaining(int type, int remaining, int expected) throws MqttProtocolException {
        if (remaining != expected) {
            throw new MqttProtocolException(PacketType.name(type) + " remaining length " + remaining + ", expected "
                    + expected);
        }
    }

    private int readShort(int p) {
        return ((buffer[p] & 0xFF) << 8) | (buffer[p + 1] & 0xFF);
    }

    private void compact() {
        if (start == 0) {
            return;
        }
        int pending = end - start;
        System.arraycopy(buffer, start, buffer, 0, pending);
        start = 0;
        end = pending;
    }
}
