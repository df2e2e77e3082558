package dev.sensorpub.log;

import java.time.Duration;

/**
 * Logging's configuration as plain, already-parsed values; the config package reads the keys
 * named here and {@link Log#configure} applies them.
 *
 * @param level       the threshold: lines below it are not printed ({@value #KEY_LEVEL})
 * @param serialPath  a serial device to copy every line to, or null for stdout only
 *                    ({@value #KEY_SERIAL}); a blank path means null
 * @param foldWindow  how long identical lines are folded before a count is printed, zero to
 *                    print every line ({@value #KEY_FOLD_WINDOW})
 * @param stackTraces print full stack traces, honoured only at level DEBUG
 *                    ({@value #KEY_STACK_TRACES})
 */
public record LogSettings(Level level, String serialPath, Duration foldWindow, boolean stackTraces) {
    public static final String KEY_LEVEL = "log.level";
    public static final String KEY_SERIAL = "log.serial";
    public static final String KEY_FOLD_WINDOW = "log.fold-window";
    public static final String KEY_STACK_TRACES = "log.stack-traces";

    public static final Duration DEFAULT_FOLD_WINDOW = Duration.ofSeconds(10);

    public LogSettings {
        if (level == null) {
            throw new IllegalArgumentException(KEY_LEVEL + " must be set (debug, info, warn or error)");
        }
        if (foldWindow == null || foldWindow.isNegative()) {
            throw new IllegalArgumentException(KEY_FOLD_WINDOW + " must be zero or more, was " + foldWindow);
        }
        if (serialPath != null && serialPath.isBlank()) {
            serialPath = null;
        }
    }

    /** INFO to stdout, 10 s folding window, no serial device, no stack traces. */
    public static LogSettings defaults() {
        return new LogSettings(Level.INFO, null, DEFAULT_FOLD_WINDOW, false);
    }

    /** Stack traces need both the flag and level DEBUG: a forgotten flag cannot flood a console. */
    public boolean printsStackTraces() {
        return stackTraces && level == Level.DEBUG;
    }
}
