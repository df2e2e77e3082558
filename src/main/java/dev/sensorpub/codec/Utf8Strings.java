package dev.sensorpub.codec;

import java.nio.charset.StandardCharsets;

/**
 * Checks of MQTT UTF-8 strings as they sit in a buffer, without decoding them into a String.
 * Used both for what we send and for what a broker sends us, so the two sides agree.
 */
final class Utf8Strings {
    /** MQTT 3.1.1 strings and binary fields carry a two-byte length prefix. */
    static final int MAX_LENGTH = 65_535;

    private Utf8Strings() {
    }

    /**
     * Encodes a configured string (topic, client id, user name) once, at start-up.
     *
     * @throws IllegalArgumentException naming {@code what} and the problem: U+0000, an unpaired
     *     surrogate, longer than 65,535 bytes, or empty when {@code emptyAllowed} is false
     */
    static byte[] encode(String text, String what, boolean emptyAllowed) {
        if (text == null || (text.isEmpty() && !emptyAllowed)) {
            throw new IllegalArgumentException(what + " is empty; MQTT needs at least one character");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw new IllegalArgumentException(what + " '" + text.replace("\u0000", "\\u0000")
                        + "' contains U+0000 at index " + i);
            }
            if (Character.isSurrogate(c)) {
                boolean pairOk = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!pairOk) {
                    throw new IllegalArgumentException(what + " '" + text
                            + "' contains an unpaired surrogate at index " + i + "; it cannot be encoded as UTF-8");
                }
                i++;
            }
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is " + utf8.length + " UTF-8 bytes long; the limit is "
                    + MAX_LENGTH);
        }
        return utf8;
    }

    /**
     * Returns null when the bytes are a well-formed topic name (non-empty, valid UTF-8 without
     * surrogates, no U+0000, no '+' or '#'), otherwise the reason. Allocates only on failure.
     */
    static String topicNameProblem(byte[] b, int offset, int length) {
        if (length == 0) {
            return "topic name is empty";
        }
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c == 0) {
                    return "topic name contains U+0000 at byte " + (i - offset);
                }
                if (c == '+' || c == '#') {
                    return "topic name contains wildcard '" + (char) c + "' at byte " + (i - offset);
                }
                i++;
                continue;
            }
            int sequenceLength = utf8SequenceLength(b, i, end);
            if (sequenceLength < 0) {
                return "topic name is not well-formed UTF-8 at byte " + (i - offset);
            }
            i += sequenceLength;
        }
        return null;
    }

    /**
     * Length of the well-formed multi-byte sequence starting at {@code i} (lead byte >= 0x80),
     * or -1. Follows RFC 3629 table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
     */
    private static int utf8SequenceLength(byte[] b, int i, int end) {
        int lead = b[i] & 0xFF;
        int length;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0;
            } else if (lead == 0xED) {
                secondMax = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                secondMin = 0x90;
            } else if (lead == 0xF4) {
                secondMax = 0x8F;
            }
        } else {
            return -1;
        }
        if (i + length > end) {
            return -1;
        }
        int second = b[i + 1] & 0xFF;
        if (second < secondMin || second > secondMax) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            int cont = b[i + k] & 0xFF;
            if (cont < 0x80 || cont > 0xBF) {
                return -1;
            }
        }
        return length;
    }
}
