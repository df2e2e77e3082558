package dev.sensorpub.queue;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of one stored record, shared by the memory arena and the queue file
 * (big-endian, records start at multiples of {@link #ALIGNMENT}):
 *
 * <pre>
 *  0 int   length          header + topic + payload (stored length is this rounded up to 8)
 *  4 int   crc             CRC-32C of the ring's salt, then bytes [8, length) (file only; 0 in memory)
 *  8 long  sequence
 * 16 long  timestampMillis
 * 24 long  expiresAtMillis 0 = never
 * 32 int   payloadLength
 * 36 short topicLength     unsigned
 * 38 byte  flags           bits 0-1 qos, bit 2 retain
 * 39 byte  magic           0xA5, so zero-filled or foreign bytes are rejected before the CRC
 * 40       topic bytes, then payload bytes, then zero padding
 * </pre>
 */
final class RecordFormat {
    static final int ALIGNMENT = 8;
    static final int HEADER_BYTES = 40;
    static final int MAX_TOPIC_BYTES = 65_535;
    /** The bytes of the per-ring salt mixed into every CRC. */
    static final int SALT_BYTES = 8;
    /** Where the bytes the CRC covers (after the salt) begin: every field after the CRC itself. */
    static final int CRC_FROM = 8;

    private static final int LENGTH = 0;
    private static final int CRC = 4;
    private static final int SEQUENCE = 8;
    private static final int TIMESTAMP = 16;
    private static final int EXPIRES_AT = 24;
    private static final int PAYLOAD_LENGTH = 32;
    private static final int TOPIC_LENGTH = 36;
    private static final int FLAGS = 38;
    private static final int MAGIC = 39;
    private static final byte MAGIC_VALUE = (byte) 0xA5;
    private static final int RETAIN_FLAG = 0x04;

    private RecordFormat() {
    }

    /** Bytes a record occupies in storage, header and alignment padding included. */
    static int storedLength(int topicLength, int payloadLength) {
        return align(HEADER_BYTES + topicLength + payloadLength);
    }

    static int align(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Writes the whole record (header, topic, payload, zero padding) at {@code at}; the CRC field is left 0. */
    static void encode(ByteBuffer target, int at, long sequence, byte[] topic, int topicOffset, int topicLength,
                       byte[] payload, int payloadOffset, int payloadLength, int qos, boolean retain,
                       long timestampMillis, long expiresAtMillis) {
        int length = HEADER_BYTES + topicLength + payloadLength;
        target.putInt(at + LENGTH, length);
        target.putInt(at + CRC, 0);
        target.putLong(at + SEQUENCE, sequence);
        target.putLong(at + TIMESTAMP, timestampMillis);
        target.putLong(at + EXPIRES_AT, expiresAtMillis);
        target.putInt(at + PAYLOAD_LENGTH, payloadLength);
        target.putShort(at + TOPIC_LENGTH, (short) topicLength);
        target.put(at + FLAGS, (byte) (qos | (retain ? RETAIN_FLAG : 0)));
        target.put(at + MAGIC, MAGIC_VALUE);
        target.put(at + HEADER_BYTES, topic, topicOffset, topicLength);
        target.put(at + HEADER_BYTES + topicLength, payload, payloadOffset, payloadLength);
        for (int i = at + length, end = at + align(length); i < end; i++) {
            target.put(i, (byte) 0);
        }
    }

    /**
     * Fills in the CRC of an encoded record. The salt is the ring's secret: payload bytes that
     * copy a whole record image cannot carry a CRC that matches it. {@code null}: the salt-less
     * CRC of queue files written before the salt existed.
     */
    static void seal(ByteBuffer record, int at, CRC32C crc, byte[] salt) {
        record.putInt(at + CRC, checksum(record, at, record.getInt(at + LENGTH), crc, salt));
    }

    /**
     * The stored length of the record at {@code at} if it is intact, has a sequence above
     * {@code afterSequence} and fits in {@code maxStoredLength}; otherwise 0. Never throws on
     * any content.
     */
    static int intactLength(ByteBuffer source, int at, long afterSequence, int maxStoredLength, CRC32C crc,
                            byte[] salt) {
        if (maxStoredLength < HEADER_BYTES) {
            return 0;
        }
        int length = headerLength(source, at);
        if (length == 0 || align(length) > maxStoredLength || source.getLong(at + SEQUENCE) <= afterSequence
                || checksum(source, at, length, crc, salt) != source.getInt(at + CRC)) {
            return 0;
        }
        return align(length);
    }

    /**
     * The length field of the record header at {@code at} (whose {@link #HEADER_BYTES} bytes
     * {@code source} holds) if its fields agree with each other, else 0; the CRC is not checked.
     */
    static int headerLength(ByteBuffer source, int at) {
        if (source.get(at + MAGIC) != MAGIC_VALUE) {
            return 0;
        }
        int length = source.getInt(at + LENGTH);
        int topicLength = source.getShort(at + TOPIC_LENGTH) & 0xFFFF;
        int payloadLength = source.getInt(at + PAYLOAD_LENGTH);
        int flags = source.get(at + FLAGS);
        if (length < HEADER_BYTES || length > Integer.MAX_VALUE - ALIGNMENT || payloadLength < 0
                || HEADER_BYTES + topicLength + payloadLength != length
                || (flags & ~(RETAIN_FLAG | 3)) != 0 || (flags & 3) == 3) {
            return 0;
        }
        return length;
    }

    /** The CRC written in the header at {@code at}. */
    static int storedCrc(ByteBuffer source, int at) {
        return source.getInt(at + CRC);
    }

    static long sequence(ByteBuffer source, int at) {
        return source.getLong(at + SEQUENCE);
    }

    static long expiresAtMillis(ByteBuffer source, int at) {
        return source.getLong(at + EXPIRES_AT);
    }

    /** Points {@code into} at the record at {@code at}, whose bytes are {@code array} from {@code arrayOffset}. */
    static void decode(ByteBuffer source, int at, byte[] array, int arrayOffset, QueuedRecord into) {
        int flags = source.get(at + FLAGS);
        into.point(source.getLong(at + SEQUENCE), array, arrayOffset + HEADER_BYTES,
                source.getShort(at + TOPIC_LENGTH) & 0xFFFF, source.getInt(at + PAYLOAD_LENGTH),
                flags & 3, (flags & RETAIN_FLAG) != 0, source.getLong(at + TIMESTAMP),
                source.getLong(at + EXPIRES_AT));
    }

    private static int checksum(ByteBuffer source, int at, int length, CRC32C crc, byte[] salt) {
        int oldLimit = source.limit();
        int oldPosition = source.position();
        source.limit(at + length).position(at + SEQUENCE);
        crc.reset();
        if (salt != null) {
            crc.update(salt, 0, SALT_BYTES);
        }
        crc.update(source);
        source.limit(oldLimit).position(oldPosition);
        return (int) crc.getValue();
    }
}
