package dev.sensorpub.sensor.pi4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pi4J's native libraries (and JNA's, which its linuxfs SPI uses) are copied out of the jar into
 * the temp directory and only marked delete-on-exit, which a halted JVM never does: every
 * stop would leave them behind. Linux keeps a loaded library mapped after its file is gone, so
 * the files this process has loaded, found in {@code /proc/self/maps}, are deleted as soon as
 * they are no longer needed on disk.
 */
final class NativeLibraryFiles {
    /** The names Files.createTempFile gives them: prefix, random digits, suffix. */
    static final Pattern EXTRACTED = Pattern.compile("(libpi4j-[a-z]+|libgpiod|jna)-?[0-9]+\\.(so|tmp)");

    private NativeLibraryFiles() {
    }

    /** Deletes this process's extracted libraries; returns what was deleted. */
    static List<Path> deleteLoaded() {
        return deleteLoaded(Path.of("/proc/self/maps"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    static List<Path> deleteLoaded(Path maps, Path tempDir) {
        List<Path> deleted = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(maps, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return deleted; // not Linux: nothing was extracted by the Linux-only providers
        }
        Path dir = tempDir.toAbsolutePath().normalize();
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            Path file = Path.of(line.substring(slash).replace(" (deleted)", "")).normalize();
            if (!file.startsWith(dir) || !EXTRACTED.matcher(file.getFileName().toString()).matches()
                    || deleted.contains(file)) {
                continue;
            }
            try {
                if (Files.deleteIfExists(file)) {
                    deleted.add(file);
                }
            } catch (IOException e) {
                // left for the next boot's tmp clean-up; nothing else to do
            }
        }
        return deleted;
    }
}
