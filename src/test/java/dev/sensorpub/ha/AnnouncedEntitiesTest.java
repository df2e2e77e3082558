package dev.sensorpub.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnouncedEntitiesTest {
    private static final List<String> TOPICS = List.of("homeassistant/sensor/pi/beat/config",
            "homeassistant/binary_sensor/pi/door/config", "site/ha/switch/pi/pump/config");

    @TempDir
    Path dir;

    @Test
    void whatIsSavedLoadsBackInOrder() throws Exception {
        Path file = dir.resolve("state/ha-announced.txt");
        AnnouncedEntities.save(file, TOPICS);
        assertEquals(TOPICS, new ArrayList<>(AnnouncedEntities.load(file)));
        assertTrue(Files.readString(file).startsWith("# sensorpub:"), "a person reading the file learns what it is");
        assertFalse(Files.exists(dir.resolve("state/ha-announced.txt.tmp")), "the temporary file was renamed");
    }

    @Test
    void savingReplacesTheWholeFile() throws Exception {
        Path file = dir.resolve("ha.txt");
        AnnouncedEntities.save(file, TOPICS);
        AnnouncedEntities.save(file, List.of(TOPICS.get(0)));
        assertEquals(Set.of(TOPICS.get(0)), AnnouncedEntities.load(file));
        AnnouncedEntities.save(file, List.of());
        assertEquals(Set.of(), AnnouncedEntities.load(file));
    }

    @Test
    void aMissingFileIsTheFirstRun() {
        assertEquals(Set.of(), AnnouncedEntities.load(dir.resolve("none.txt")));
    }

    @Test
    void anUnreadableFileIsEmptyNotAFailure() throws Exception {
        Path directory = dir.resolve("is-a-dir");
        Files.createDirectories(directory);
        assertEquals(Set.of(), AnnouncedEntities.load(directory));
    }

    @Test
    void damagedLinesAreSkippedSoNoUnrelatedTopicIsEverCleared() throws Exception {
        Path file = dir.resolve("ha.txt");
        Files.write(file, List.of("homeassistant/sensor/pi/beat/config", "garage/door", "\u0000\u0001binary",
                "homeassistant/light/pi/lamp/config", "homeassistant/sensor/pi/be at/config", "ha/#/sensor/pi/x/config",
                "$SYS/sensor/pi/x/config", "  homeassistant/switch/pi/pump/config  ", "",
                "homeassistant/sensor/pi/beat/con"));
        assertEquals(List.of("homeassistant/sensor/pi/beat/config", "homeassistant/switch/pi/pump/config"),
                new ArrayList<>(AnnouncedEntities.load(file)));
    }
}
