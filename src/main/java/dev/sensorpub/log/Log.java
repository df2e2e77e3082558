package dev.sensorpub.log;

import dev.sensorpub.time.Clock;

/**
 * Entry point for logging. Until the agent calls {@link #configure} with the configuration's
 * values, lines go to stdout at INFO and above, folded with the default window.
 * <p>
 * The agent's loop calls {@link #tick()} about once a second so a folded line's last count is
 * printed when its window ends even if nothing else is logged, and {@link #flush()} at shutdown.
 */
public final class Log {
    /** Where lines go. Tests install their own; the agent installs a configured {@link ConsoleSink}. */
    public interface Sink {
        boolean enabled(Level level);

        void write(Level level, String component, String message);

        /** A message followed by the problem's one-line description (see {@link Problems}). */
        default void write(Level level, String component, String message, Throwable problem) {
            if (enabled(level)) {
                write(level, component, message + ": " + Problems.describe(problem));
            }
        }

        /** Prints counts of folded lines whose window has ended. */
        default void tick() {
        }

        /** Prints every count still owed. */
        default void flush() {
        }
    }

    /** Component names are short so the header stays 38 columns and common lines fit 80. */
    public static final int MAX_COMPONENT = 6;

    private static volatile Sink sink = ConsoleSink.open(LogSettings.defaults(), Clock.SYSTEM, LineOutput.systemOut());

    private Log() {
    }

    /**
     * The logger of one component: 1 to {@value #MAX_COMPONENT} lower-case letters or digits
     * (agent, mqtt, queue, sensor, tls, config, pi4j).
     *
     * @throws IllegalArgumentException naming the bad component
     */
    public static Logger logger(String component) {
        if (component == null || component.isEmpty() || component.length() > MAX_COMPONENT) {
            throw new IllegalArgumentException("log component '" + component + "' must be 1 to "
                    + MAX_COMPONENT + " characters");
        }
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("log component '" + component
                        + "' may only hold lower-case letters and digits");
            }
        }
        return new Logger(component);
    }

    public static Sink sink() {
        return sink;
    }

    public static void install(Sink newSink) {
        sink = newSink;
    }

    /** Applies the configuration: a new sink replaces the current one, which is closed. */
    public static ConsoleSink configure(LogSettings settings) {
        return configure(settings, Clock.SYSTEM, LineOutput.systemOut());
    }

    static ConsoleSink configure(LogSettings settings, Clock clock, LineOutput stdout) {
        Sink old = sink;
        old.flush();
        ConsoleSink configured = ConsoleSink.open(settings, clock, stdout);
        sink = configured;
        if (old instanceof ConsoleSink) {
            ((ConsoleSink) old).close();
        }
        return configured;
    }

    /** Call about once a second from the loop: prints folded counts whose window has ended. */
    public static void tick() {
        sink.tick();
    }

    /** Call at shutdown: prints every folded count still owed. */
    public static void flush() {
        sink.flush();
    }
}
