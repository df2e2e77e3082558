package dev.sensorpub.log;

import java.util.Locale;

/**
 * Keeps secrets out of log lines. The rule every package follows: never pass a password, key
 * or token to a logger; log the key's name and whether it is set ("mqtt.password: set"). Two
 * helpers back that rule up:
 * <ul>
 * <li>{@link #passwords(String)} masks the password of every {@code scheme://user:password@host}
 *     in a text. Every log line goes through it, so a server URL or an exception message that
 *     quotes one cannot leak it.</li>
 * <li>{@link #value(String, String)} masks a configuration value whose key names a secret, for
 *     printing an effective configuration.</li>
 * </ul>
 */
public final class Redact {
    /** What a secret looks like in a log line. */
    public static final String MASK = "***";

    private static final String[] SECRET_WORDS = {"password", "passphrase", "secret", "token"};

    private Redact() {
    }

    /**
     * Masks URL passwords: after a {@code ://}, everything from the first {@code :} to the last
     * {@code @} before the next space, quote, {@code <}, {@code >} or the end of the text is
     * replaced by {@link #MASK}. The last {@code @}, not the first, because people write raw
     * {@code @} in passwords; the cost of the rule is that an odd text with {@code :} and
     * {@code @} after a {@code ://} is masked more than needed, never less.
     * {@code tcp://user:secret@host:1883} becomes {@code tcp://user:***@host:1883};
     * {@code tcp://host:1883} and {@code tcp://user@host} stay as they are.
     */
    public static String passwords(String text) {
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            return text;
        }
        StringBuilder masked = null;
        int copied = 0;
        while (schemeEnd >= 0) {
            int start = schemeEnd + 3;
            int end = start;
            while (end < text.length() && !endsCredentials(text.charAt(end))) {
                end++;
            }
            int at = text.lastIndexOf('@', end - 1);
            int colon = text.indexOf(':', start);
            if (at >= start && colon >= start && colon < at) {
                if (masked == null) {
                    masked = new StringBuilder(text.length());
                }
                masked.append(text, copied, colon + 1).append(MASK);
                copied = at;
            }
            schemeEnd = text.indexOf("://", Math.max(start, at + 1));
        }
        if (masked == null) {
            return text;
        }
        return masked.append(text, copied, text.length()).toString();
    }

    /**
     * The value to print for a configuration key: {@link #MASK} when the key's name contains
     * password, passphrase, secret or token (any case), else the value with URL passwords masked.
     * A null value prints as {@code (not set)}.
     */
    public static String value(String key, String value) {
        if (value == null) {
            return "(not set)";
        }
        return isSecretKey(key) ? MASK : passwords(value);
    }

    /** True when a configuration key's name says its value is a secret. */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsCredentials(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>';
    }
}
