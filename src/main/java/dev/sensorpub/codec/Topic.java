package dev.sensorpub.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A topic name or topic filter, validated and encoded to UTF-8 once, at configuration time.
 * The hot path only ever touches {@link #bytes()}; nothing is re-encoded per message.
 */
public final class Topic {
    /** MQTT 3.1.1 strings carry a two-byte length prefix. */
    public static final int MAX_ENCODED_LENGTH = 65_535;

    private final String text;
    private final byte[] utf8;
    private final boolean filter;

    private Topic(String text, byte[] utf8, boolean filter) {
        this.text = text;
        this.utf8 = utf8;
        this.filter = filter;
    }

    /**
     * A topic name to publish to: no wildcards, no U+0000, 1 to 65,535 UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Topic name(String text) {
        byte[] utf8 = encode(text, "topic name");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+' || c == '#') {
                throw new IllegalArgumentException("topic name '" + text + "' contains wildcard '" + c
                        + "' at index " + i + "; wildcards are only allowed in subscriptions");
            }
        }
        return new Topic(text, utf8, false);
    }

    /**
     * A topic filter to subscribe to: '+' fills a whole level, '#' fills a whole last level.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Topic filter(String text) {
        byte[] utf8 = encode(text, "topic filter");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean levelStart = i == 0 || text.charAt(i - 1) == '/';
            boolean levelEnd = i == text.length() - 1 || text.charAt(i + 1) == '/';
            if (c == '+' && !(levelStart && levelEnd)) {
                throw new IllegalArgumentException("topic filter '" + text + "': '+' at index " + i
                        + " must fill a whole level");
            }
            if (c == '#' && !(levelStart && i == text.length() - 1)) {
                throw new IllegalArgumentException("topic filter '" + text + "': '#' at index " + i
                        + " must be the whole last level");
            }
        }
        return new Topic(text, utf8, true);
    }

    private static byte[] encode(String text, String what) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty; MQTT needs at least one character");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw new IllegalArgumentException(what + " '" + printable(text) + "' contains U+0000 at index " + i);
            }
            if (Character.isSurrogate(c)) {
                boolean pairOk = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!pairOk) {
                    throw new IllegalArgumentException(what + " '" + printable(text)
                            + "' contains an unpaired surrogate at index " + i + "; it cannot be encoded as UTF-8");
                }
                i++;
            }
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException(what + " is " + utf8.length + " UTF-8 bytes long; the limit is "
                    + MAX_ENCODED_LENGTH);
        }
        return utf8;
    }

    private static String printable(String text) {
        return text.replace("\u0000", "\\u0000");
    }

    /** The encoded bytes, without the length prefix. Callers must not modify the array. */
    public byte[] bytes() {
        return utf8;
    }

    public int length() {
        return utf8.length;
    }

    public boolean isFilter() {
        return filter;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topic t && t.filter == filter && Arrays.equals(t.utf8, utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8) * 31 + (filter ? 1 : 0);
    }
}
