package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage failures and the fsync policy of the file queue. */
class FileQueueStorageTest {
    @TempDir
    Path temp;

    @Test
    void aFullDiskSwitchesNewMessagesToMemoryAndKeepsDeliveringInOrder() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.never())) {
            for (int i = 1; i <= 5; i++) {
                append(queue, "m" + i);
            }
            assertEquals("m1", MessageQueueContract.next(queue));
            files.ring().failWrites = true;
            files.checkpoint().failWrites = true;
            for (int i = 6; i <= 10; i++) {
                assertEquals(i, append(queue, "m" + i));
            }
            assertTrue(queue.inMemoryFallback());
            assertEquals(1, queue.counters().storageErrors());
            assertEquals(10, queue.counters().appended());
            assertEquals(10, queue.counters().queuedMessages());
            assertEquals(numbered(2, 10), drain(queue, 0));
            queue.rewind();
            assertEquals(numbered(1, 10), Messages.drain(queue, 0));
            queue.confirm(7);
            queue.confirm(2);
            queue.rewind();
            assertEquals(List.of("m1", "m3", "m4", "m5", "m6", "m8", "m9", "m10"), drain(queue, 0));
            for (long sequence = 1; sequence <= 10; sequence++) {
                queue.confirm(sequence);
            }
            assertEquals(11, queue.oldestSequence());
            assertEquals(11, append(queue, "m11"));
        }
    }

    @Test
    void messagesStoredBeforeTheDiskFilledUpAreStillInTheFileAfterRestart() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.never())) {
            for (int i = 1; i <= 5; i++) {
                append(queue, "m" + i);
            }
            files.ring().failWrites = true;
            files.checkpoint().failWrites = true;
            append(queue, "m6");
            Messages.drainAndConfirm(queue, 0);
        }
        try (FileQueue queue = new QueueFiles(temp.resolve("q")).open(4096, FsyncPolicy.never())) {
            assertEquals(numbered(1, 5), drain(queue, 0));
            assertEquals(6, append(queue, "m6 again"));
        }
    }

    @Test
    void aFailingFsyncAlsoSwitchesToMemoryWithoutLosingTheMessage() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.everyRecords(1))) {
            append(queue, "m1");
            files.ring().failForce = true;
            assertEquals(2, append(queue, "m2"));
            assertEquals(3, append(queue, "m3"));
            assertTrue(queue.inMemoryFallback());
            assertEquals(numbered(1, 3), drain(queue, 0));
        }
    }

    @Test
    void anUnusableDirectoryGivesAMemoryQueueThatStillWorks() throws IOException {
        Path notADirectory = Files.writeString(temp.resolve("plain-file"), "x");
        QueueSettings settings = new QueueSettings(QueueSettings.Type.FILE, notADirectory.resolve("queue"), 4096, 100,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        try (MessageQueue queue = MessageQueues.open(settings, 256)) {
            assertInstanceOf(MemoryQueue.class, queue);
            assertEquals(1, queue.counters().storageErrors(), "the status line shows the failure");
            assertEquals(1, append(queue, "m1"));
            assertEquals(List.of("m1"), drain(queue, 0));
        }
    }

    @Test
    void theFactoryOpensTheConfiguredBackend() throws IOException {
        QueueSettings file = new QueueSettings(QueueSettings.Type.FILE, temp.resolve("q"), 4096, 100,
                OverflowPolicy.DROP_NEWEST, FsyncPolicy.never(), 0);
        try (MessageQueue queue = MessageQueues.open(file, 256)) {
            assertInstanceOf(FileQueue.class, queue);
        }
        assertTrue(Files.exists(temp.resolve("q").resolve(FileRing.RING_FILE)));
        try (MessageQueue queue = MessageQueues.open(QueueSettings.defaults(), 256)) {
            assertInstanceOf(MemoryQueue.class, queue);
        }
    }

    @Test
    void fsyncEveryNRecordsForcesTheRingOncePerNAppends() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.everyRecords(3))) {
            int atOpen = files.ring().forces;
            for (int i = 1; i <= 9; i++) {
                append(queue, "m" + i);
            }
            assertEquals(atOpen + 3, files.ring().forces);
        }
    }

    @Test
    void fsyncEveryIntervalForcesFromTickOnceTheIntervalHasPassed() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.everyMillis(1000))) {
            int atOpen = files.ring().forces;
            queue.tick(5000);
            append(queue, "m1");
            queue.tick(5999);
            assertEquals(atOpen, files.ring().forces);
            queue.tick(6000);
            assertEquals(atOpen + 1, files.ring().forces);
            queue.tick(7000);
            assertEquals(atOpen + 1, files.ring().forces, "nothing new to force");
        }
    }

    @Test
    void fsyncNeverLeavesWriteBackToTheKernelAfterStartUntilSyncIsCalled() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(4096, FsyncPolicy.never())) {
            assertEquals(1, files.ring().forces, "what recovery found is made durable once");
            assertEquals(1, files.checkpoint().forces);
            for (long now = 0; now < 100_000; now += 100) {
                append(queue, "m" + now);
                queue.tick(now);
            }
            assertEquals(1, files.ring().forces);
            assertEquals(1, files.checkpoint().forces);
            queue.sync();
            assertEquals(2, files.ring().forces);
        }
    }

    @Test
    void theConfirmedPositionIsFsyncedEveryTenSecondsNotPerConfirm() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (FileQueue queue = files.open(64 * 1024, FsyncPolicy.everyMillis(1000))) {
            queue.tick(0);
            int atOpen = files.checkpoint().forces;
            int ringAtOpen = files.ring().forces;
            for (int i = 0; i < 100; i++) {
                append(queue, "m" + i);
            }
            Messages.drainAndConfirm(queue, 0);
            queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS - 1);
            assertEquals(atOpen, files.checkpoint().forces);
            assertEquals(ringAtOpen + 1, files.ring().forces, "data synced every second");
            queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS);
            assertEquals(atOpen + 1, files.checkpoint().forces);
            assertFalse(queue.inMemoryFallback());
        }
    }

    @Test
    void aFileSystemTooSmallForTheRingFailsAtStartWithTheNumbersAndLeavesNoHalfFile() throws IOException {
        Path directory = temp.resolve("tiny");
        StorageOpener full = path -> {
            FaultyFile file = new FaultyFile(StorageOpener.FILES.open(path));
            file.failWrites = true;
            return file;
        };
        IOException error = assertThrows(IOException.class, () -> FileQueue.open(directory, 1 << 20, 100,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 256, full));
        assertTrue(error.getMessage().matches("cannot allocate 1048576 bytes for .*queue.ring \\(No space left on device;"
                + " [0-9]+ bytes free\\)"), error.getMessage());
        assertFalse(Files.exists(directory.resolve(FileRing.RING_FILE)));
    }

    @Test
    void anUnusableQueuePathIsOneLogLineWithoutClassNames() throws IOException {
        Path notADirectory = Files.writeString(temp.resolve("plain-file"), "x");
        QueueSettings settings = new QueueSettings(QueueSettings.Type.FILE, notADirectory.resolve("queue"), 4096, 100,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        try (CapturedLog log = new CapturedLog(); MessageQueue queue = MessageQueues.open(settings, 256)) {
            assertEquals(1, log.lines().size(), log.lines().toString());
            String line = log.lines().get(0);
            assertTrue(line.startsWith("ERROR queue queue.path " + notADirectory.resolve("queue") + " unusable ("),
                    line);
            assertFalse(line.matches(".*[A-Z][a-z]+(Exception|Error).*"), line);
        }
    }

    /** Opens the ring and checkpoint read-only, as a non-root service user would with a read-only file. */
    private static StorageOpener readOnly(String... names) {
        return path -> {
            for (String name : names) {
                if (path.getFileName().toString().equals(name)) {
                    throw new AccessDeniedException(path.toString());
                }
            }
            return StorageOpener.FILES.open(path);
        };
    }

    private Path closedQueueWithFiveMessages() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                256)) {
            for (int i = 1; i <= 5; i++) {
                append(queue, "m" + i);
            }
        }
        return directory;
    }

    @Test
    void aReadOnlyRingFileStillDeliversEveryStoredMessageAndKeepsNewOnesInMemory() throws IOException {
        Path directory = closedQueueWithFiveMessages();
        try (CapturedLog log = new CapturedLog();
             FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                     256, readOnly(FileRing.RING_FILE, FileRing.CHECKPOINT_FILE))) {
            assertTrue(queue.inMemoryFallback());
            assertEquals(6, append(queue, "m6"));
            assertEquals(numbered(1, 6), drain(queue, 0));
            assertEquals(1, log.containing("cannot be written (permission denied: ").size(), log.lines().toString());
            assertTrue(log.containing("cannot be written").get(0).contains("; new messages in memory"),
                    log.lines().toString());
            assertEquals(1, log.containing("queue in memory from sequence 6; the file's 5 messages go first").size(),
                    log.lines().toString());
        }
    }

    @Test
    void anUnwritableDirectoryWithoutCheckpointStillUsesTheRing() throws IOException {
        Path directory = closedQueueWithFiveMessages();
        Files.delete(directory.resolve(FileRing.CHECKPOINT_FILE));
        try (CapturedLog log = new CapturedLog();
             FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                     256, readOnly(FileRing.CHECKPOINT_FILE))) {
            assertFalse(queue.inMemoryFallback());
            assertEquals(6, append(queue, "m6"));
            assertEquals(numbered(1, 6), drain(queue, 0));
            assertEquals(1, log.containing("): restart resends confirmed messages").size(), log.lines().toString());
        }
    }

    @Test
    void aReadOnlyCheckpointBesideAWritableRingOnlyCostsDuplicates() throws IOException {
        Path directory = closedQueueWithFiveMessages();
        try (CapturedLog log = new CapturedLog();
             FileQueue queue = FileQueue.open(directory, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT,
                     256, readOnly(FileRing.CHECKPOINT_FILE))) {
            assertFalse(queue.inMemoryFallback());
            assertEquals(6, append(queue, "m6"));
            assertEquals(numbered(1, 6), drain(queue, 0));
            queue.confirm(1);
            queue.tick(0);
            queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS);
            assertFalse(queue.inMemoryFallback());
            assertEquals(0, queue.counters().storageErrors());
            assertEquals(1, log.containing("): restart resends confirmed messages").size(), log.lines().toString());
        }
    }

    @Test
    void afterAStorageErrorTheQueueReturnsToTheFileOnceItWorksAndTheStopLineSaysWhatIsKept() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (CapturedLog log = new CapturedLog()) {
            FileQueue queue = files.open(4096, FsyncPolicy.everyMillis(1000));
            queue.tick(0);
            append(queue, "m1");
            files.ring().failWrites = true;
            files.checkpoint().failWrites = true;
            append(queue, "m2");
            append(queue, "m3");
            assertTrue(queue.inMemoryFallback());
            queue.tick(FileQueue.RETRY_INTERVAL_MILLIS);
            assertTrue(queue.inMemoryFallback(), "the file still fails");
            files.ring().failWrites = false;
            files.checkpoint().failWrites = false;
            queue.tick(2 * FileQueue.RETRY_INTERVAL_MILLIS);
            assertTrue(queue.inMemoryFallback(), "m2 and m3 are only in memory: not back before they are delivered");
            queue.confirm(2);
            queue.confirm(3);
            queue.tick(3 * FileQueue.RETRY_INTERVAL_MILLIS);
            assertFalse(queue.inMemoryFallback());
            assertEquals(1, log.containing("works again: new messages stored in it from sequence 4").size(),
                    log.lines().toString());
            assertEquals(4, append(queue, "m4"));
            files.ring().failWrites = true;
            append(queue, "m5");
            assertTrue(queue.inMemoryFallback());
            queue.close();
            assertEquals(1, log.containing("closed: 2 messages kept on disk, 1 in memory lost (storage error)").size(), log.lines().toString());
        }
        try (FileQueue queue = new QueueFiles(temp.resolve("q")).open(4096, FsyncPolicy.never())) {
            assertEquals(List.of("m1", "m4"), drain(queue, 0));
            assertEquals(5, append(queue, "m5 again"), "the lost m5 never reached the disk: its number is free");
        }
    }

    @Test
    void theMemoryFallbackIsReservedAtStartAndIsAnEighthOfTheCapacity() throws IOException {
        assertEquals(64L << 20, FileQueue.fallbackBytes(512L << 20));
        assertEquals(FileQueue.MIN_FALLBACK_BYTES, FileQueue.fallbackBytes(256 << 10));
        assertEquals(4096, FileQueue.fallbackBytes(4096));
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        try (CapturedLog ignored = new CapturedLog(); FileQueue queue = files.open(4 << 20, FsyncPolicy.never())) {
            append(queue, "m1");
            files.ring().failWrites = true;
            files.checkpoint().failWrites = true;
            long before = AllocationMeter.current();
            append(queue, "m2");
            long allocated = AllocationMeter.current() - before;
            assertTrue(queue.inMemoryFallback());
            assertTrue(allocated < 16 * 1024, allocated + " bytes allocated when storage failed (log lines only)");
        }
    }
}
