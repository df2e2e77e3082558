package dev.sensorpub.ha;

import dev.sensorpub.log.Counts;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The discovery topics announced by the last run, one per line in a small text file, so the next
 * run can clear the entities that are no longer configured. Written whole to a temporary file,
 * synced, and renamed over the old one: a crash leaves the old file or the new, never half of one.
 *
 * <p>Reading is tolerant: a missing file is an empty set (the first run); a line that is not a
 * discovery config topic is skipped with a warning, so a damaged file can never make the agent
 * publish an empty retained message to an unrelated topic.
 */
public final class AnnouncedEntities {
    private static final Logger LOG = Log.logger("ha");
    private static final String HEADER = "# sensorpub: Home Assistant discovery topics announced by the last run;"
            + " an entity missing from the next run is removed";
    private static final Pattern CONFIG_TOPIC = Pattern.compile(
            "[^+#\\u0000]+/(sensor|binary_sensor|switch)/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/config");

    private AnnouncedEntities() {
    }

    /** The topics in {@code file}; empty when it does not exist or cannot be read (logged). */
    public static Set<String> load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new LinkedHashSet<>();
        } catch (IOException e) {
            // The problem's words name the file.
            LOG.warn("cannot read ha.state-file (" + Problems.describe(e) + "): removed sensors stay in Home Assistant");
            return new LinkedHashSet<>();
        }
        Set<String> topics = new LinkedHashSet<>();
        int skipped = 0;
        for (String line : lines) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (isConfigTopic(t)) {
                topics.add(t);
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn(file + ": " + Counts.of(skipped, "line") + " skipped (not config topics)");
        }
        return topics;
    }

    /** Replaces {@code file} with {@code topics}, atomically; creates its directory if needed. */
    public static void save(Path file, Collection<String> topics) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (String t : topics) {
            text.append(t).append('\n');
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static boolean isConfigTopic(String topic) {
        return CONFIG_TOPIC.matcher(topic).matches() && !topic.startsWith("$");
    }
}
