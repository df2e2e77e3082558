package dev.sensorpub.queue;

import dev.sensorpub.log.Level;
import dev.sensorpub.log.Log;
import java.util.ArrayList;
import java.util.List;

/** Captures every log line ("LEVEL component message") until closed, then restores the previous sink. */
final class CapturedLog implements AutoCloseable {
    final List<String> lines = new ArrayList<>();
    private final Log.Sink previous;

    CapturedLog() {
        previous = Log.sink();
        Log.install(new Log.Sink() {
            @Override
            public boolean enabled(Level level) {
                return true;
            }

            @Override
            public void write(Level level, String component, String message) {
                lines.add(level + " " + component + " " + message);
            }
        });
    }

    /** Lines containing {@code text}. */
    List<String> containing(String text) {
        List<String> found = new ArrayList<>();
        for (String line : lines) {
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
