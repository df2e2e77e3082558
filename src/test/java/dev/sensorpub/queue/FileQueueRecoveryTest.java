package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file queue brings back after a restart, a crash, or damage to its files. */
class FileQueueRecoveryTest {
    private static final int CAPACITY = 4096;
    private static final int RECORD = MessageQueueContract.SMALL_RECORD;
    /** Bytes of a test record covered by its CRC (the rest is alignment padding). */
    private static final int RECORD_LENGTH = RecordFormat.HEADER_BYTES + Messages.TOPIC.length + 2;

    @TempDir
    Path temp;

    private FileQueue open(Path directory) throws IOException {
        return FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512);
    }

    /** A closed queue directory holding m1..m{count}, written from position 0. */
    private Path queueWith(int count) throws IOException {
        Path directory = Files.createTempDirectory(temp, "q");
        try (FileQueue queue = open(directory)) {
            for (int i = 1; i <= count; i++) {
                append(queue, "m" + i);
            }
        }
        return directory;
    }

    private Path copyOf(Path directory) throws IOException {
        Path copy = Files.createTempDirectory(temp, "copy");
        for (String name : List.of(FileRing.RING_FILE, FileRing.CHECKPOINT_FILE)) {
            Files.copy(directory.resolve(name), copy.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /** Overwrites the ring's bytes from ring offset {@code from} (after the header's first copy). */
    private static void rewrite(Path directory, int from, byte[] bytes) throws IOException {
        Path ring = directory.resolve(FileRing.RING_FILE);
        byte[] content = Files.readAllBytes(ring);
        System.arraycopy(bytes, 0, content, RingHeader.COPY_BYTES + from, bytes.length);
        Files.write(ring, content);
    }

    @Test
    void reopenResumesAfterTheConfirmedRecordsAndContinuesTheSequence() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = open(directory)) {
            for (int i = 1; i <= 10; i++) {
                append(queue, "m" + i);
            }
            Messages.drainAndConfirm(queue, 0);
            append(queue, "m11");
            append(queue, "m12");
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(11, queue.oldestSequence());
            assertEquals(13, queue.nextSequence());
            assertEquals(List.of("m11", "m12"), drain(queue, 0));
            assertEquals(13, append(queue, "m13"));
        }
    }

    /** A ring that wrapped several times and holds 47 unconfirmed records, m{first}..m{first+46}; closed cleanly. */
    private Path wrappedRingWith47Unconfirmed() throws IOException {
        Path directory = Files.createTempDirectory(temp, "wrapped");
        try (FileQueue queue = open(directory)) {
            for (int i = 1; i <= 200; i++) {
                append(queue, "m" + i);
                if (i <= 153) {
                    queue.confirm(i);
                }
            }
            queue.tick(0);
            assertEquals(47, queue.counters().queuedMessages());
        }
        return directory;
    }

    @Test
    void aMissingCheckpointLosesNoRecordOfAWrappedRingAndTheLogSaysWhatWasDone() throws IOException {
        Path directory = wrappedRingWith47Unconfirmed();
        Files.delete(directory.resolve(FileRing.CHECKPOINT_FILE));
        try (CapturedLog log = new CapturedLog(); FileQueue queue = open(directory)) {
            List<String> recovered = drain(queue, 0);
            assertTrue(recovered.containsAll(numbered(154, 200)), "all 47 unconfirmed among " + recovered);
            assertEquals("m200", recovered.get(recovered.size() - 1));
            assertEquals(1, log.containing("messages recovered").size(), log.lines().toString());
            assertEquals(List.of("INFO queue queue checkpoint missing or damaged: every intact record kept"),
                    log.containing("checkpoint"), log.lines().toString());
            assertEquals(201, append(queue, "m201"));
        }
    }

    @Test
    void aStaleCheckpointFromEarlierLapsLosesNoRecordOfAWrappedRing() throws IOException {
        Path directory = Files.createTempDirectory(temp, "stale");
        Path old = temp.resolve("old.checkpoint");
        try (FileQueue queue = open(directory)) {
            for (int i = 1; i <= 200; i++) {
                append(queue, "m" + i);
                if (i <= 153) {
                    queue.confirm(i);
                }
                queue.tick(i);
                if (i == 20) {
                    queue.sync();
                    Files.copy(directory.resolve(FileRing.CHECKPOINT_FILE), old);
                }
            }
        }
        Files.copy(old, directory.resolve(FileRing.CHECKPOINT_FILE), StandardCopyOption.REPLACE_EXISTING);
        try (FileQueue queue = open(directory)) {
            List<String> recovered = drain(queue, 0);
            assertTrue(recovered.containsAll(numbered(154, 200)), "all 47 unconfirmed among " + recovered);
            assertEquals(201, append(queue, "m201"));
        }
    }

    @Test
    void sequenceContinuesAfterReopeningAnEmptyQueue() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = open(directory)) {
            append(queue, "m1");
            append(queue, "m2");
            Messages.drainAndConfirm(queue, 0);
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(0, queue.counters().queuedMessages());
            assertEquals(3, append(queue, "m3"));
        }
    }

    @Test
    void afterACrashRecordsConfirmedSinceTheLastCheckpointComeBackAndNothingIsLost() throws IOException {
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        FileQueue queue = files.open(CAPACITY, FsyncPolicy.never());
        queue.tick(0);
        for (int i = 1; i <= 10; i++) {
            append(queue, "m" + i);
        }
        for (long sequence = 1; sequence <= 3; sequence++) {
            queue.confirm(sequence);
        }
        queue.tick(FileQueue.CHECKPOINT_INTERVAL_MILLIS); // checkpoint: oldest unconfirmed is 4
        queue.confirm(4);
        queue.confirm(5);
        files.crash();
        try (FileQueue reopened = open(files.directory)) {
            assertEquals(numbered(4, 10), drain(reopened, 0));
        }
    }

    @Test
    void aCrashAfterManyLapsWithoutACheckpointLosesNoUnconfirmedRecord() throws IOException {
        Random random = new Random(11);
        QueueFiles files = new QueueFiles(temp.resolve("q"));
        FileQueue queue = files.open(1024, FsyncPolicy.never());
        List<Long> unconfirmed = new ArrayList<>();
        for (int crash = 0; crash < 40; crash++) {
            int rounds = 1 + random.nextInt(300);
            QueuedRecord record = new QueuedRecord();
            for (int round = 0; round < rounds; round++) {
                for (int i = random.nextInt(3); i >= 0 && unconfirmed.size() < 6; i--) {
                    long sequence = queue.nextSequence();
                    assertEquals(sequence, append(queue, "m" + sequence));
                    unconfirmed.add(sequence);
                }
                while (queue.next(record, 0)) {
                    // handing out does not matter for recovery
                }
                if (!unconfirmed.isEmpty() && random.nextInt(3) > 0) {
                    long sequence = unconfirmed.remove(random.nextInt(Math.min(2, unconfirmed.size())));
                    queue.confirm(sequence);
                }
            }
            files.crash();
            queue = files.open(1024, FsyncPolicy.never());
            List<Long> recovered = new ArrayList<>();
            queue.rewind();
            while (queue.next(record, 0)) {
                recovered.add(record.sequence());
                assertEquals("m" + record.sequence(), Messages.payload(record));
            }
            assertTrue(recovered.containsAll(unconfirmed), "crash " + crash + ": unconfirmed " + unconfirmed
                    + " all among recovered " + recovered);
            for (int i = 1; i < recovered.size(); i++) {
                assertEquals(recovered.get(i - 1) + 1, recovered.get(i), "recovered in order without gaps");
            }
            assertEquals(0, queue.counters().corruptSkipped());
            for (long sequence : recovered) {
                if (!unconfirmed.contains(sequence)) {
                    queue.confirm(sequence);
                }
            }
            queue.rewind();
        }
        queue.close();
    }

    @Test
    void aTornTailAtEveryByteOffsetOfTheLastRecordLosesOnlyThatRecord() throws IOException {
        Path original = queueWith(5);
        int last = 4 * RECORD;
        for (byte stale : new byte[] {0, (byte) 0xFF, (byte) 0xA5}) {
            for (int torn = 0; torn < RECORD; torn++) {
                Path directory = copyOf(original);
                byte[] unwritten = new byte[RECORD - torn];
                Arrays.fill(unwritten, stale);
                rewrite(directory, last + torn, unwritten);
                boolean intact = torn >= RECORD_LENGTH;
                try (FileQueue queue = open(directory)) {
                    String at = "torn at byte " + torn + " over " + stale;
                    assertEquals(numbered(1, intact ? 5 : 4), drain(queue, 0), at);
                    assertEquals(0, queue.counters().corruptSkipped(), at);
                    long sequence = append(queue, "new");
                    assertEquals(intact ? 6 : 5, sequence, at);
                    assertEquals(List.of("new"), drain(queue, 0), at);
                }
            }
        }
    }

    @Test
    void aFlippedBitSkipsOnlyTheDamagedRecordAndCountsIt() throws IOException {
        Path original = queueWith(6);
        byte[] content = Files.readAllBytes(original.resolve(FileRing.RING_FILE));
        int third = 2 * RECORD;
        for (int bit = 0; bit < RECORD_LENGTH * 8; bit++) {
            Path directory = copyOf(original);
            int at = third + bit / 8;
            rewrite(directory, at, new byte[] {(byte) (content[RingHeader.COPY_BYTES + at] ^ (1 << (bit % 8)))});
            try (FileQueue queue = open(directory)) {
                assertEquals(List.of("m1", "m2", "m4", "m5", "m6"), drain(queue, 0), "bit " + bit);
                assertEquals(1, queue.counters().corruptSkipped(), "bit " + bit);
            }
        }
    }

    @Test
    void aZeroFilledTailLosesOnlyTheZeroedRecords() throws IOException {
        Path directory = queueWith(8);
        rewrite(directory, 5 * RECORD, new byte[3 * RECORD]);
        try (FileQueue queue = open(directory)) {
            assertEquals(numbered(1, 5), drain(queue, 0));
            assertEquals(0, queue.counters().corruptSkipped());
        }
    }

    @Test
    void aZeroedRecordInTheMiddleIsSkippedAndCounted() throws IOException {
        Path directory = queueWith(8);
        rewrite(directory, 3 * RECORD, new byte[RECORD]);
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("m1", "m2", "m3", "m5", "m6", "m7", "m8"), drain(queue, 0));
            assertEquals(1, queue.counters().corruptSkipped());
        }
    }

    @Test
    void recordsAcrossTheWrapPointComeBackInOrder() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = FileQueue.open(directory, 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 512)) {
            for (int i = 1; i <= 10; i++) {
                append(queue, "m" + i);
            }
            Messages.drainAndConfirm(queue, 0);
            for (int i = 11; i <= 20; i++) {
                append(queue, "m" + i);
            }
        }
        try (FileQueue queue = FileQueue.open(directory, 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 512)) {
            assertEquals(numbered(11, 20), drain(queue, 0));
        }
    }

    @Test
    void aRecordLargerThanTheNewRecordLimitIsStillDelivered() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = open(directory)) {
            append(queue, "m1");
            append(queue, "x".repeat(300));
            append(queue, "m3");
        }
        try (FileQueue queue = FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 100)) {
            assertEquals(List.of("m1", "x".repeat(300), "m3"), drain(queue, 0));
            assertEquals(0, queue.counters().corruptSkipped());
            assertTrue(queue.largestRecoveredMessageBytes() >= Messages.TOPIC.length + 300,
                    "the session is sized for it: " + queue.largestRecoveredMessageBytes());
        }
    }

    @Test
    void aRecordTooLargeToRecoverIsSkippedCountedAndSaidInOneLine() throws IOException {
        Path directory = temp.resolve("q");
        int large = FileRing.MAX_RECOVERED_MESSAGE_BYTES + 1_000;
        try (FileQueue queue = FileQueue.open(directory, 1 << 20, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), large + 100)) {
            append(queue, "m1");
            append(queue, "x".repeat(large));
        }
        try (CapturedLog log = new CapturedLog();
             FileQueue queue = FileQueue.open(directory, 1 << 20, 1000, OverflowPolicy.DROP_OLDEST,
                     FsyncPolicy.never(), 512)) {
            assertEquals(List.of("m1"), drain(queue, 0));
            assertEquals(1, queue.counters().rejectedTooLarge());
            assertEquals(0, queue.counters().corruptSkipped());
            assertEquals(List.of("WARN queue recovery skipped 1 messages over " + FileRing.MAX_RECOVERED_MESSAGE_BYTES
                    + " bytes (2 to 2)"), log.containing("skipped"), log.lines().toString());
            assertEquals(3, append(queue, "m3"), "sequences go on after the skipped one");
        }
    }

    @Test
    void emptyFilesOpenAsAnEmptyQueue() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("q"));
        Files.createFile(directory.resolve(FileRing.RING_FILE));
        Files.createFile(directory.resolve(FileRing.CHECKPOINT_FILE));
        try (FileQueue queue = open(directory)) {
            assertEquals(0, queue.counters().queuedMessages());
            assertEquals(1, append(queue, "m1"));
            assertEquals(List.of("m1"), drain(queue, 0));
        }
    }

    @Test
    void randomFileContentNeverStopsTheQueueFromOpeningAndWorking() throws IOException {
        for (int seed = 0; seed < 60; seed++) {
            Random random = new Random(seed);
            Path directory = Files.createDirectories(temp.resolve("random" + seed));
            byte[] ring = new byte[random.nextInt(2 * CAPACITY)];
            random.nextBytes(ring);
            Files.write(directory.resolve(FileRing.RING_FILE), ring);
            if (seed % 2 == 0) {
                byte[] checkpoint = new byte[random.nextInt(100)];
                random.nextBytes(checkpoint);
                Files.write(directory.resolve(FileRing.CHECKPOINT_FILE), checkpoint);
            } else {
                try (StorageFile file = StorageOpener.FILES.open(directory.resolve(FileRing.CHECKPOINT_FILE))) {
                    new Checkpoint(file, true).write(random.nextLong(), random.nextInt());
                }
            }
            try (FileQueue queue = open(directory)) {
                drain(queue, 0);
                long sequence = append(queue, "after");
                assertTrue(sequence > 0, "seed " + seed);
                assertEquals(List.of("after"), drain(queue, 0), "seed " + seed);
            }
        }
    }

    @Test
    void anExistingRingKeepsItsSizeWhenTheConfiguredCapacityChanges() throws IOException {
        Path directory = queueWith(3);
        try (FileQueue queue = FileQueue.open(directory, 8192, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 512)) {
            assertEquals(numbered(1, 3), drain(queue, 0));
        }
        assertEquals(CAPACITY, Files.size(directory.resolve(FileRing.RING_FILE)));
    }
    @Test
    void aRingWhoseAllocationWasInterruptedIsCompletedNotKeptSmall() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("interrupted"));
        // What kill -9 or a power cut in the middle of the first start's zero-filling leaves: a
        // 64 KiB prefix of the ring, no checkpoint yet.
        Files.write(directory.resolve(FileRing.RING_FILE), new byte[64 * 1024]);
        try (CapturedLog log = new CapturedLog();
             FileQueue queue = FileQueue.open(directory, 1 << 20, 100_000, OverflowPolicy.DROP_OLDEST,
                     FsyncPolicy.never(), 512)) {
            assertEquals(1 << 20, Files.size(directory.resolve(FileRing.RING_FILE)), log.lines().toString());
            for (int i = 1; i <= 5000; i++) {
                append(queue, "m" + i);
            }
            assertEquals(0, queue.counters().droppedOverflow(), "a 1 MiB ring holds 5000 small records");
        }
    }

    @Test
    void aRingGrownAfterAnInterruptedAllocationKeepsEveryRecordInOrder() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("grown"));
        try (FileQueue queue = FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 512)) {
            for (int i = 1; i <= 60; i++) {
                append(queue, "m" + i);
            }
            Messages.drainAndConfirm(queue, 0);
            for (int i = 61; i <= 100; i++) {
                append(queue, "m" + i);
            }
        }
        Files.delete(directory.resolve(FileRing.CHECKPOINT_FILE));
        try (FileQueue queue = FileQueue.open(directory, 4 * CAPACITY, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 512)) {
            List<String> expected = numbered(61, 100);
            List<String> recovered = drain(queue, 0);
            assertEquals(expected, recovered.subList(recovered.size() - expected.size(), recovered.size()));
            for (int i = 101; i <= 200; i++) {
                append(queue, "m" + i);
            }
            queue.rewind();
            recovered = drain(queue, 0);
            assertEquals(numbered(61, 200), recovered.subList(recovered.size() - 140, recovered.size()));
        }
    }
    @Test
    void aDamagedOldestRecordIsNamedInTheLogNotLostSilently() throws IOException {
        Path directory = queueWith(6);
        byte[] content = Files.readAllBytes(directory.resolve(FileRing.RING_FILE));
        rewrite(directory, RecordFormat.HEADER_BYTES + 3, new byte[] {(byte) ~content[RingHeader.COPY_BYTES + RecordFormat.HEADER_BYTES + 3]});
        try (CapturedLog log = new CapturedLog(); FileQueue queue = open(directory)) {
            assertEquals(numbered(2, 6), drain(queue, 0));
            assertEquals(1, log.containing("sequences 1 to 1 missing: damaged, or done since checkpoint")
                    .size(), log.lines().toString());
        }
    }
}
