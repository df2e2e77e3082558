package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file queue on real file systems that fail: a tmpfs smaller than the ring, a file system
 * filled up mid-run, an immutable checkpoint ({@code chattr +i}), a read-only bind mount. Needs
 * root (mount, chattr); it fails with the command when it cannot run it, and undoes every mount
 * and attribute on every path.
 */
class FileQueueRealStorageTest {
    private static final int PAGE = 4096;

    @TempDir
    Path temp;

    @Test
    void aTmpfsSmallerThanTheRingIsRefusedAtStartWithTheNumbersAndLeavesNoFile() throws Exception {
        Path mount = Files.createDirectory(temp.resolve("tiny"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "none", mount.toString());
        try {
            Path directory = mount.resolve("q");
            IOException error = assertThrows(IOException.class, () -> FileQueue.open(directory, 2 << 20, 100,
                    OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 256));
            assertTrue(error.getMessage().matches("cannot allocate 2097152 bytes for .*queue.ring \\(No space left on"
                    + " device; [0-9]+ bytes free\\)"), error.getMessage());
            assertFalse(Files.exists(directory.resolve(FileRing.RING_FILE)));
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aTmpfsWithRoomForTheRingButNotTheCheckpointStillUsesTheRing() throws Exception {
        Path mount = Files.createDirectory(temp.resolve("tight"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "none", mount.toString());
        try {
            Path directory = mount.resolve("q");
            int capacity = 255 * PAGE;
            try (CapturedLog log = new CapturedLog();
                 FileQueue queue = FileQueue.open(directory, capacity, 100, OverflowPolicy.DROP_OLDEST,
                         FsyncPolicy.DEFAULT, 256)) {
                assertFalse(queue.inMemoryFallback());
                for (int i = 1; i <= 5; i++) {
                    append(queue, "m" + i);
                }
                queue.confirm(1);
                queue.tick(0);
                queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS);
                assertFalse(queue.inMemoryFallback());
                assertEquals(1, log.containing("): restart resends confirmed messages").size(),
                        log.lines().toString());
            }
            try (FileQueue queue = FileQueue.open(directory, capacity, 100, OverflowPolicy.DROP_OLDEST,
                    FsyncPolicy.DEFAULT, 256)) {
                assertEquals(numbered(1, 5), drain(queue, 0));
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFileSystemThatFillsUpMidRunCannotHurtThePreallocatedRing() throws Exception {
        Path mount = Files.createDirectory(temp.resolve("fills"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "none", mount.toString());
        try {
            Path directory = mount.resolve("q");
            int capacity = 64 * PAGE;
            try (FileQueue queue = FileQueue.open(directory, capacity, 10_000, OverflowPolicy.DROP_OLDEST,
                    FsyncPolicy.everyRecords(10), 256)) {
                for (int i = 1; i <= 100; i++) {
                    append(queue, "m" + i);
                }
                fill(mount.resolve("filler"));
                for (int i = 101; i <= 2000; i++) {
                    append(queue, "m" + i);
                }
                assertFalse(queue.inMemoryFallback());
                assertEquals(0, queue.counters().storageErrors());
                Messages.drainAndConfirm(queue, 0);
                queue.tick(0);
                for (int i = 2001; i <= 2100; i++) {
                    append(queue, "m" + i);
                }
            }
            try (FileQueue queue = FileQueue.open(directory, capacity, 10_000, OverflowPolicy.DROP_OLDEST,
                    FsyncPolicy.everyRecords(10), 256)) {
                assertEquals(numbered(2001, 2100), drain(queue, 0));
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void anImmutableCheckpointOnlyCostsDuplicates() throws Exception {
        Path directory = temp.resolve("q");
        try (FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                256)) {
            for (int i = 1; i <= 5; i++) {
                append(queue, "m" + i);
            }
            queue.confirm(1);
        }
        Path checkpoint = directory.resolve(FileRing.CHECKPOINT_FILE);
        run("chattr", "+i", checkpoint.toString());
        try {
            try (CapturedLog log = new CapturedLog();
                 FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST,
                         FsyncPolicy.DEFAULT, 256)) {
                assertFalse(queue.inMemoryFallback());
                assertEquals(numbered(2, 5), drain(queue, 0));
                for (long sequence = 2; sequence <= 5; sequence++) {
                    queue.confirm(sequence);
                }
                assertEquals(6, append(queue, "m6"));
                queue.tick(0);
                queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS);
                assertEquals(0, queue.counters().storageErrors());
                assertEquals(1, log.containing("no queue checkpoint (").size(), log.lines().toString());
            }
            try (FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST,
                    FsyncPolicy.DEFAULT, 256)) {
                assertEquals(numbered(2, 6), drain(queue, 0), "the floor stays where the immutable file has it");
            }
        } finally {
            run("chattr", "-i", checkpoint.toString());
        }
    }

    @Test
    void aReadOnlyBindMountDeliversEveryStoredMessage() throws Exception {
        Path directory = temp.resolve("q");
        try (FileQueue queue = FileQueue.open(directory, 8192, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                256)) {
            for (int i = 1; i <= 40; i++) {
                append(queue, "m" + i);
            }
            queue.confirm(1);
        }
        run("mount", "-o", "bind,ro", directory.toString(), directory.toString());
        try {
            try (CapturedLog log = new CapturedLog();
                 FileQueue queue = FileQueue.open(directory, 8192, 100, OverflowPolicy.DROP_OLDEST,
                         FsyncPolicy.DEFAULT, 256)) {
                assertTrue(queue.inMemoryFallback());
                assertEquals(41, append(queue, "m41"));
                assertEquals(numbered(2, 41), drain(queue, 0));
                List<String> errors = log.containing("cannot be written (Read-only file system");
                assertEquals(1, errors.size(), log.lines().toString());
                assertTrue(errors.get(0).contains("; new messages in memory"), errors.get(0));
            }
        } finally {
            run("umount", directory.toString());
        }
    }

    /** Writes until the file system is full. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[PAGE];
        try (var out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
            }
            fail("the file system did not fill up after 4 MiB");
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            fail("needs root: " + String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
