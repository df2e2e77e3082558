package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
}
