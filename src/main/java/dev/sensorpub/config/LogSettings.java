package dev.sensorpub.config;

import dev.sensorpub.log.Level;
import java.nio.file.Path;

/** The {@code log.*} keys. {@code serialDevice} is null when not set; status interval 0 = no status line. */
public record LogSettings(Level level, long statusIntervalMillis, Path serialDevice) {
}
