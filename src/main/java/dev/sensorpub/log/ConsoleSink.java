package dev.sensorpub.log;

import dev.sensorpub.time.Clock;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The configured sink: threshold, folding of repeated lines, formatting, then stdout and
 * optionally a serial device. Every method holds the sink's lock, so the loop thread and Pi4J
 * listener threads can log at once without interleaving lines. Writing to the serial device
 * can block when the device's buffer is full; folding is what keeps it from filling.
 */
public final class ConsoleSink implements Log.Sink {
    /** The component of the logging system's own lines. */
    static final String COMPONENT = "log";
    static final int MAX_FRAMES = 40;

    private final Level threshold;
    private final boolean stackTraces;
    private final Clock clock;
    private final RepeatFolder folder;
    private final RepeatFolder.Summaries summaries = this::printSummary;
    private final LineOutput stdout;
    private LineOutput serial;

    private ConsoleSink(LogSettings settings, Clock clock, LineOutput stdout, LineOutput serial) {
        this.threshold = settings.level();
        this.stackTraces = settings.printsStackTraces();
        this.clock = clock;
        this.folder = new RepeatFolder(settings.foldWindow().toNanos());
        this.stdout = stdout;
        this.serial = serial;
    }

    /**
     * A sink for the settings. When the serial device cannot be opened, the sink prints one
     * warning (whatever the level) and continues with stdout alone: a missing console cable
     * must not stop the agent.
     */
    static ConsoleSink open(LogSettings settings, Clock clock, LineOutput stdout) {
        LineOutput serial = null;
        String problem = null;
        if (settings.serialPath() != null) {
            try {
                serial = LineOutput.openSerial(Path.of(settings.serialPath()));
            } catch (IOException | InvalidPathException | SecurityException e) {
                problem = LogSettings.KEY_SERIAL + " " + settings.serialPath() + " cannot be opened ("
                        + Problems.describe(e) + "); logging to stdout only";
            }
        }
        ConsoleSink sink = new ConsoleSink(settings, clock, stdout, serial);
        if (problem != null) {
            sink.print(Level.WARN, COMPONENT, problem);
        }
        return sink;
    }

    @Override
    public boolean enabled(Level level) {
        return level.atLeast(threshold);
    }

    @Override
    public synchronized void write(Level level, String component, String message) {
        String text = String.valueOf(message);   // a null message is a bug to see, not a crash
        if (enabled(level) && folder.admit(level, component, text, clock.monotonicNanos(), summaries)) {
            print(level, component, text);
        }
    }

    @Override
    public void write(Level level, String component, String message, Throwable problem) {
        if (!enabled(level)) {
            return;
        }
        String text = message + ": " + Problems.describe(problem);
        synchronized (this) {
            if (folder.admit(level, component, text, clock.monotonicNanos(), summaries)) {
                print(level, component, text);
                if (stackTraces) {
                    printStackTrace(component, problem);
                }
            }
        }
    }

    @Override
    public synchronized void tick() {
        folder.tick(clock.monotonicNanos(), summaries);
    }

    @Override
    public synchronized void flush() {
        folder.flush(summaries);
    }

    /** Prints the counts still owed and closes the serial device; stdout stays open. */
    public synchronized void close() {
        flush();
        if (serial != null) {
            serial.close();
            serial = null;
        }
        stdout.close();
    }

    private void printSummary(Level level, String component, String message, int times) {
        print(level, component, summaryLine(times, message));
    }

    /**
     * The count in as few fixed words as say it, and the message whole: a line that fits 80
     * columns keeps fitting with a count in front whenever its words leave room for it.
     */
    static String summaryLine(int times, String message) {
        return times + " more: " + message;
    }

    /** One DEBUG line per frame and per cause, so even a trace keeps the one-record-per-line form. */
    private void printStackTrace(String component, Throwable problem) {
        Throwable t = problem;
        for (int depth = 0; t != null && depth <= Problems.MAX_CAUSES; depth++) {
            if (depth > 0) {
                print(Level.DEBUG, component, "  caused by " + Problems.className(t) + ": " + t.getMessage());
            }
            StackTraceElement[] frames = t.getStackTrace();
            int shown = Math.min(frames.length, MAX_FRAMES);
            for (int i = 0; i < shown; i++) {
                print(Level.DEBUG, component, "    at " + frames[i]);
            }
            if (frames.length > shown) {
                print(Level.DEBUG, component, "    ... " + (frames.length - shown) + " more");
            }
            t = t.getCause();
        }
    }

    private void print(Level level, String component, String message) {
        String line = LineFormat.line(clock.epochMillis(), level, component, message);
        try {
            stdout.writeLine(line);
        } catch (IOException e) {
            // stdout is gone (closed pipe): the serial copy below is all that is left.
        }
        if (serial != null) {
            try {
                serial.writeLine(line);
            } catch (IOException e) {
                LineOutput failed = serial;
                serial = null;
                failed.close();
                print(Level.WARN, COMPONENT, LogSettings.KEY_SERIAL + " " + failed.name() + " write failed ("
                        + Problems.describe(e) + "); logging to stdout only");
            }
        }
    }
}
