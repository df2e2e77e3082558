package dev.sensorpub.testing;

import dev.sensorpub.log.Level;
import dev.sensorpub.log.Log;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures every log line, as "LEVEL component message", until closed, then puts the previous
 * sink back. Lines may come from any thread.
 */
public final class CapturedLog implements AutoCloseable {
    private final Log.Sink previous = Log.sink();
    private final List<String> lines = new ArrayList<>();

    public CapturedLog() {
        Log.install(new Log.Sink() {
            @Override
            public boolean enabled(Level level) {
                return true;
            }

            @Override
            public void write(Level level, String component, String message) {
                synchronized (lines) {
                    lines.add(level + " " + component + " " + message);
                }
            }
        });
    }

    /** Every line so far, a copy. */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** The lines that contain {@code text}. */
    public List<String> containing(String text) {
        List<String> found = new ArrayList<>();
        for (String line : lines()) {
            if (line.contains(text)) {
                found.add(line);
            }
        }
        return found;
    }

    @Override
    public void close() {
        Log.install(previous);
    }
}
