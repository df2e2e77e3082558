package dev.sensorpub.log;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Entry point for logging. Until the agent installs a configured sink, lines go to stdout
 * at INFO and above.
 */
public final class Log {
    /** Where formatted lines go. The agent replaces the default once the config is read. */
    public interface Sink {
        boolean enabled(Level level);

        void write(Level level, String component, String message);
    }

    private static volatile Sink sink = new StdoutSink(System.out, Level.INFO);

    private Log() {
    }

    public static Logger logger(String component) {
        return new Logger(component);
    }

    public static Sink sink() {
        return sink;
    }

    public static void install(Sink newSink) {
        sink = newSink;
    }

    /** The plain default: timestamp, level, component, message. */
    static final class StdoutSink implements Sink {
        private final PrintStream out;
        private final Level threshold;

        StdoutSink(PrintStream out, Level threshold) {
            this.out = out;
            this.threshold = threshold;
        }

        @Override
        public boolean enabled(Level level) {
            return level.compareTo(threshold) >= 0;
        }

        @Override
        public synchronized void write(Level level, String component, String message) {
            if (enabled(level)) {
                out.printf("%s %-5s %-6s %s%n", Instant.now(), level, component, message);
            }
        }
    }
}
