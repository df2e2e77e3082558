package dev.sensorpub.session;

import dev.sensorpub.log.Level;
import dev.sensorpub.log.Log;
import java.util.ArrayList;
import java.util.List;

/** Collects the session's log lines for a test, and puts the previous sink back on close. */
final class CapturedLog implements AutoCloseable {
    private final Log.Sink previous = Log.sink();
    private final List<String> lines = new ArrayList<>();

    CapturedLog() {
        Log.install(new Log.Sink() {
            @Override
            public boolean enabled(Level level) {
                return true;
            }

            @Override
            public void write(Level level, String component, String message) {
                synchronized (lines) {
                    lines.add(level + " " + message);
                }
                previous.write(level, component, message);
            }
        });
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** The lines that contain {@code text}. */
    List<String> containing(String text) {
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
