package dev.sensorpub.codec;

/** The fixed header's variable-length "remaining length": 7 bits a byte, least significant first. */
final class RemainingLength {
    static final int MAX = 268_435_455;

    private RemainingLength() {
    }

    /** How many bytes {@code value} takes on the wire (1 to 4). */
    static int size(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. */
    static int write(byte[] dst, int offset, int value) {
        if (value < 128) {
            dst[offset] = (byte) value; // most sensor readings: one byte
            return offset + 1;
        }
        int v = value;
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            dst[offset++] = (byte) (v > 0 ? digit | 0x80 : digit);
        } while (v > 0);
        return offset;
    }
}
