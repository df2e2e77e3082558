package dev.sensorpub.codec;

/**
 * One packet from the broker, as decoded by {@link PacketDecoder#next}. A reused flyweight: the
 * decoder overwrites it, and topic, payload and SUBACK codes are views into the decoder's receive
 * buffer, so everything here is valid only until the next call to {@code next}.
 */
public final class IncomingPacket {
    int type;
    int remainingLength;
    // CONNACK
    boolean sessionPresent;
    int returnCode;
    // PUBLISH and everything with a packet id
    int packetId;
    int qos;
    boolean dup;
    boolean retain;
    byte[] buffer;
    int topicOffset;
    int topicLength;
    int payloadOffset;
    int payloadLength;
    // SUBACK
    int subackCodesOffset;
    int subackCodeCount;
    /** Size of a PUBLISH too large to keep, whose topic and payload were skipped; 0 otherwise. */
    long discardedBytes;

    void clear() {
        discardedBytes = 0;
        type = 0;
        remainingLength = 0;
        sessionPresent = false;
        returnCode = 0;
        packetId = 0;
        qos = 0;
        dup = false;
        retain = false;
        topicOffset = 0;
        topicLength = 0;
        payloadOffset = 0;
        payloadLength = 0;
        subackCodesOffset = 0;
        subackCodeCount = 0;
    }

    /** One of the {@link PacketType} constants. */
    public int type() {
        return type;
    }

    public int remainingLength() {
        return remainingLength;
    }

    /** CONNACK: whether the broker still had this client's session. */
    public boolean sessionPresent() {
        return sessionPresent;
    }

    /** CONNACK: one of the {@link ConnectReturnCode} values 0-5. */
    public int returnCode() {
        return returnCode;
    }

    /** PUBLISH (QoS 1 and 2), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK; 0 otherwise. */
    public int packetId() {
        return packetId;
    }

    public int qos() {
        return qos;
    }

    public boolean dup() {
        return dup;
    }

    public boolean retain() {
        return retain;
    }

    /**
     * Above 0 for a PUBLISH larger than the maximum packet size that the decoder read past
     * (see {@link PacketDecoder#skipOversizedPublish}): its size in bytes. Only its QoS, packet
     * id, DUP and RETAIN are known; topic and payload are empty.
     */
    public long discardedBytes() {
        return discardedBytes;
    }

    /** The receive buffer that topic, payload and SUBACK codes point into. */
    public byte[] buffer() {
        return buffer;
    }

    public int topicOffset() {
        return topicOffset;
    }

    public int topicLength() {
        return topicLength;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Whether this PUBLISH's topic is exactly {@code topic}, compared byte by byte. */
    public boolean topicEquals(Topic topic) {
        byte[] t = topic.bytes();
        if (t.length != topicLength) {
            return false;
        }
        for (int i = 0; i < topicLength; i++) {
            if (buffer[topicOffset + i] != t[i]) {
                return false;
            }
        }
        return true;
    }

    public int subackCodeCount() {
        return subackCodeCount;
    }

    /** SUBACK: the granted QoS (0-2) or 0x80 for failure, for the {@code index}-th filter. */
    public int subackCode(int index) {
        if (index < 0 || index >= subackCodeCount) {
            throw new IndexOutOfBoundsException("SUBACK has " + subackCodeCount + " codes, asked for " + index);
        }
        return buffer[subackCodesOffset + index] & 0xFF;
    }
}
