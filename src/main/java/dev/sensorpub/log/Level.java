package dev.sensorpub.log;

import java.util.Locale;

/** How much a line matters, lowest first; a sink prints its threshold and everything above. */
public enum Level {
    DEBUG, INFO, WARN, ERROR;

    /**
     * Reads the value of {@code log.level}: debug, info, warn or error, in any case.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Level parse(String text) {
        if (text != null) {
            String wanted = text.trim().toUpperCase(Locale.ROOT);
            for (Level level : values()) {
                if (level.name().equals(wanted)) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException("unknown log level '" + text + "' (expected debug, info, warn or error)");
    }

    boolean atLeast(Level threshold) {
        return compareTo(threshold) >= 0;
    }
}
