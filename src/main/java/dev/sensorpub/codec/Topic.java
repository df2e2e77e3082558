package dev.sensorpub.codec;

import java.util.Arrays;

/**
 * A topic name or topic filter, validated and encoded to UTF-8 once, at configuration time.
 * The hot path only ever touches {@link #bytes()}; nothing is re-encoded per message.
 */
public final class Topic {
    private final String text;
    private final byte[] utf8;
    /** The topic as it stands in a packet, two length bytes then UTF-8: copied in one go. */
    private final byte[] field;
    private final boolean filter;

    private Topic(String text, byte[] utf8, boolean filter) {
        this.text = text;
        this.utf8 = utf8;
        this.filter = filter;
        this.field = new byte[2 + utf8.length];
        field[0] = (byte) (utf8.length >>> 8);
        field[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, field, 2, utf8.length);
    }

    /**
     * A topic name to publish to: no wildcards, no U+0000, 1 to 65,535 UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Topic name(String text) {
        byte[] utf8 = Utf8Strings.encode(text, "topic name", false);
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
        byte[] utf8 = Utf8Strings.encode(text, "topic filter", false);
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

    /** The encoded bytes, without the length prefix. Callers must not modify the array. */
    public byte[] bytes() {
        return utf8;
    }

    /** Length prefix and bytes, as written into a packet. Callers must not modify it. */
    byte[] field() {
        return field;
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
