package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.drainAndConfirm;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The salt block at both ends of the ring file: one copy is enough, and a file without one is never misread. */
class FileQueueRingHeaderTest {
    private static final int CAPACITY = 4096;

    @TempDir
    Path temp;

    private FileQueue open(Path directory) throws IOException {
        return FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512);
    }

    private Path queueWith(String name, int count) throws IOException {
        Path directory = temp.resolve(name);
        try (FileQueue queue = open(directory)) {
            for (int i = 1; i <= count; i++) {
                append(queue, "m" + i);
            }
        }
        return directory;
    }

    private static void damage(Path directory, int from, int length) throws IOException {
        Path ring = directory.resolve(FileRing.RING_FILE);
        byte[] content = Files.readAllBytes(ring);
        Arrays.fill(content, from, from + length, (byte) 0x5A);
        Files.write(ring, content);
    }

    @Test
    void eachRingGetsItsOwnSalt() throws IOException {
        byte[] first = Files.readAllBytes(queueWith("a", 0).resolve(FileRing.RING_FILE));
        byte[] second = Files.readAllBytes(queueWith("b", 0).resolve(FileRing.RING_FILE));
        assertFalse(Arrays.equals(first, 16, 24, second, 16, 24));
        assertArrayEquals(Arrays.copyOfRange(first, 0, 32), Arrays.copyOfRange(first, CAPACITY - 32, CAPACITY));
    }

    @Test
    void aDamagedFirstCopyOfTheHeaderLosesNothing() throws IOException {
        Path directory = queueWith("q", 5);
        damage(directory, 0, RingHeader.COPY_BYTES);
        try (FileQueue queue = open(directory)) {
            assertEquals(numbered(1, 5), drain(queue, 0));
            assertEquals(0, queue.counters().corruptSkipped());
        }
    }

    @Test
    void aDamagedLastCopyOfTheHeaderLosesNothing() throws IOException {
        Path directory = queueWith("q", 5);
        damage(directory, CAPACITY - RingHeader.COPY_BYTES, RingHeader.COPY_BYTES);
        try (FileQueue queue = open(directory)) {
            assertEquals(numbered(1, 5), drain(queue, 0));
        }
    }


    /** A ring file and checkpoint as the version before the header wrote them (the checkpoint format is the same). */
    private static byte[] olderFile(Path directory, int records, long floor) throws IOException {
        Files.createDirectories(directory);
        ByteBuffer ring = ByteBuffer.allocate(CAPACITY);
        int at = 0;
        for (int sequence = 1; sequence <= records; sequence++) {
            byte[] payload = ("m" + sequence).getBytes(StandardCharsets.UTF_8);
            RecordFormat.encode(ring, at, sequence, Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0,
                    payload.length, 1, false, 1000, 0);
            RecordFormat.seal(ring, at, new CRC32C(), null);
            at += RecordFormat.storedLength(Messages.TOPIC.length, payload.length);
        }
        Files.write(directory.resolve(FileRing.RING_FILE), ring.array());
        try (Checkpoint old = new Checkpoint(StorageOpener.FILES.open(directory.resolve(FileRing.CHECKPOINT_FILE)),
                true)) {
            old.write(floor, CAPACITY);
        }
        return ring.array();
    }

    @Test
    void anOlderFileWithEverythingDoneTakesNewMessagesAtOnceAndTheySurviveARestart() throws IOException {
        // An upgrade while offline: nothing would ever empty a memory fallback, so nothing would be kept.
        Path directory = temp.resolve("old");
        olderFile(directory, 3, 4);
        try (FileQueue queue = open(directory)) {
            assertEquals(4, append(queue, "new"));
            assertFalse(queue.inMemoryFallback());
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("new"), drain(queue, 0));
        }
    }

    @Test
    void whileAnOlderFileIsDeliveredNewMessagesSurviveARestartAndDeliveredOnesDoNotComeBack() throws IOException {
        Path directory = temp.resolve("old");
        olderFile(directory, 3, 1);
        try (FileQueue queue = open(directory)) {
            assertEquals(4, append(queue, "new"));
            QueuedRecord record = new QueuedRecord();
            assertTrue(queue.next(record, 0));
            queue.confirm(record.sequence());
            queue.tick(0); // a killed process leaves the checkpoint of its last pass
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("m2", "m3", "new"), drain(queue, 0));
        }
    }

    @Test
    void anOlderFileWithoutCheckpointShorterThanTheCapacityKeepsItsSizeAndIsNotCalledAnInterruptedStart()
            throws IOException {
        Path directory = temp.resolve("old");
        olderFile(directory, 3, 1);
        Files.delete(directory.resolve(FileRing.CHECKPOINT_FILE));
        try (CapturedLog log = new CapturedLog(); FileQueue queue = FileQueue.open(directory, 2 * CAPACITY, 1000,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512)) {
            assertEquals(List.of(), log.containing("first start cut short"), log.lines().toString());
            assertEquals(1, log.containing("queue file keeps " + CAPACITY + " bytes; to resize, delete " + directory).size(), log.lines().toString());
            assertEquals(numbered(1, 3), drain(queue, 0));
        }
        assertEquals(CAPACITY, Files.size(directory.resolve(FileRing.RING_FILE)));
    }

    @Test
    void aFileOfThePreviousVersionIsDeliveredThenStartedAfresh() throws IOException {
        // The previous version: records from offset 0, salt-less CRCs, no header; its checkpoint
        // (the same format, the ring spanning the whole file) says sequence 1 was done.
        Path directory = temp.resolve("old");
        byte[] ring = olderFile(directory, 3, 2);
        Path file = directory.resolve(FileRing.RING_FILE);
        try (CapturedLog log = new CapturedLog(); FileQueue queue = open(directory)) {
            assertEquals(List.of("INFO queue queue file: 2 messages recovered (2 to 3)",
                    "INFO queue queue file of an older version: kept in its layout until all done"),
                    log.containing("queue file"), log.lines().toString());
            assertEquals(4, append(queue, "new"), "stored in the older layout meanwhile");
            assertFalse(queue.inMemoryFallback());
            assertArrayEquals(Arrays.copyOfRange(ring, 0, 2 * RecordFormat.storedLength(
                    Messages.TOPIC.length, 2)), Arrays.copyOfRange(Files.readAllBytes(file), 0,
                    2 * RecordFormat.storedLength(Messages.TOPIC.length, 2)), "its records left where they are");
            queue.tick(0);
            assertEquals(List.of(), log.containing("started afresh"), "not before its records are done");
            assertEquals(List.of(2L, 3L, 4L), drainAndConfirm(queue, 0));
            queue.tick(1);
            assertFalse(queue.inMemoryFallback());
            assertEquals(1, log.containing("queue file: older version done; started afresh at sequence 5").size(),
                    log.lines().toString());
            assertEquals(5, append(queue, "after"));
        }
        try (CapturedLog log = new CapturedLog(); FileQueue queue = open(directory)) {
            assertEquals(List.of("after"), drain(queue, 0));
            assertFalse(queue.inMemoryFallback());
            assertEquals(List.of(), log.containing("older"), log.lines().toString());
        }
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 0, RingHeader.COPY_BYTES),
                Arrays.copyOfRange(Files.readAllBytes(file), CAPACITY - RingHeader.COPY_BYTES, CAPACITY),
                "a header of this version at both ends");
    }

    @Test
    void aFileWithNeitherHeaderNorReadableRecordStartsAfresh() throws IOException {
        Path directory = queueWith("q", 5);
        damage(directory, 0, RingHeader.COPY_BYTES);
        damage(directory, CAPACITY - RingHeader.COPY_BYTES, RingHeader.COPY_BYTES);
        try (CapturedLog log = new CapturedLog(); FileQueue queue = open(directory)) {
            assertEquals(1, log.containing("has no readable header and no readable record: started afresh").size(),
                    log.lines().toString());
            assertEquals(1, append(queue, "new"));
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("new"), drain(queue, 0));
        }
    }
}
