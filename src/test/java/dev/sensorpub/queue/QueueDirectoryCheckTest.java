package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --check makes a missing queue.path and removes it again: it must leave the disk as it found it. */
class QueueDirectoryCheckTest {
    private static QueueSettings file(Path path) {
        return new QueueSettings(QueueSettings.Type.FILE, path, 1 << 20, 100, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.DEFAULT, 0);
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void nestedMissingParentsAreAllRemovedAgain(@TempDir Path temp) throws IOException {
        assertNull(file(temp.resolve("a/b/c")).directoryProblem());
        assertEquals(0, entries(temp), "left behind");
    }

    @Test
    void aPathThroughDotDotLeavesNothingBehind(@TempDir Path temp) throws IOException {
        assertNull(file(temp.resolve("a/../b")).directoryProblem());
        assertEquals(0, entries(temp), "left behind");
    }

    @Test
    void aDirectoryThatWasThereBeforeKeepsOnlyWhatItHad(@TempDir Path temp) throws IOException {
        Files.createDirectory(temp.resolve("d"));
        assertNull(file(temp.resolve("m/../d/n")).directoryProblem());
        assertTrue(Files.isDirectory(temp.resolve("d")), "removed a directory it did not make");
        assertEquals(0, entries(temp.resolve("d")), "left behind");
    }
    /** A link to a missing directory is there but is no directory: the line says so, not "file system error". */
    @Test
    void aDanglingLinkInTheWayIsNamedAsAlreadyThere(@TempDir Path temp) throws IOException {
        Files.createSymbolicLink(temp.resolve("q"), temp.resolve("nowhere"));
        String problem = file(temp.resolve("q")).directoryProblem();
        assertEquals("directory " + temp.resolve("q") + " cannot be created (already exists: " + temp.resolve("q")
                + ")", problem);
    }
}
