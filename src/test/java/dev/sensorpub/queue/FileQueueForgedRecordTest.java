package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * Recovery walks the bytes of a partly overwritten record 8 bytes at a time, so a payload may hold
 * the image of a whole record (magic, lengths, CRC) right where recovery looks. Without the ring's
 * salt nobody can give it a CRC that recovery accepts.
 */
class FileQueueForgedRecordTest {
    /** 4096 bytes of file: 32 bytes of header at each end, 4032 bytes of ring between. */
    private static final int CAPACITY = 4096;
    private static final byte[] WRONG_SALT = {1, 2, 3, 4, 5, 6, 7, 8};

    @TempDir
    Path temp;

    private FileQueue open(Path directory) throws IOException {
        return FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512);
    }

    /**
     * The stored bytes of a record with {@code sequence}, as a ring with {@code salt} would hold
     * them ({@code null}: the salt-less CRC of the previous version).
     */
    private static byte[] recordImage(long sequence, String payload, byte[] salt) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuffer image = ByteBuffer.allocate(RecordFormat.storedLength(Messages.TOPIC.length, bytes.length));
        RecordFormat.encode(image, 0, sequence, Messages.TOPIC, 0, Messages.TOPIC.length, bytes, 0, bytes.length,
                1, false, 1000, 0);
        RecordFormat.seal(image, 0, new CRC32C(), salt);
        return image.array();
    }

    /** The salt of the ring in {@code directory}, read from the file as only the ring itself could. */
    private static byte[] ringSalt(Path directory) throws IOException {
        byte[] file = Files.readAllBytes(directory.resolve(FileRing.RING_FILE));
        return Arrays.copyOfRange(file, 16, 16 + RecordFormat.SALT_BYTES);
    }

    /**
     * A clean restart of the ring in {@code name} whose first record's payload holds the image of a
     * record with {@code sequence}, sealed with {@code salt} ({@code null}: salt-less).
     */
    private FileQueue reopenedAfterImageOf(long sequence, byte[] salt, String name) throws IOException {
        Path directory = temp.resolve(name);
        try (FileQueue queue = open(directory)) {
            // Topic (27 bytes) after the 40-byte header: 5 bytes of padding put the image at ring offset 72.
            byte[] forged = recordImage(sequence, "forged", salt);
            byte[] payload = new byte[5 + forged.length];
            System.arraycopy(forged, 0, payload, 5, forged.length);
            queue.append(Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0, payload.length, 1, false, 1000, 0);
            // 72-byte records: 53 fill the ring after the 152-byte first one, the 54th wraps to 0 and
            // overwrites only the first record's header, leaving the image intact.
            for (int i = 0; i < 53; i++) {
                append(queue, String.format("f%03d", i));
            }
            Messages.drainAndConfirm(queue, 0);
            assertEquals(55, append(queue, "last"));
        }
        return open(directory);
    }

    @Test
    void aPayloadThatLooksLikeTheLastPossibleRecordCannotBreakTheSequence() throws IOException {
        try (FileQueue queue = reopenedAfterImageOf(Long.MAX_VALUE, null, "unsalted")) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(56, append(queue, "after"));
            assertEquals(List.of("after"), drain(queue, 0));
        }
    }

    @Test
    void aRecordWithTheRingsSaltButASequenceNearOverflowIsDamage() throws IOException {
        // Only the ring knows its salt; a sequence this high is still never written (no ring holds
        // that many records), so it cannot have been a record.
        open(temp.resolve("salted")).close();
        byte[] salt = ringSalt(temp.resolve("salted"));
        try (FileQueue queue = reopenedAfterImageOf(Long.MAX_VALUE - 10, salt, "salted")) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(56, append(queue, "after"));
            assertEquals(List.of("after"), drain(queue, 0));
        }
    }

    @Test
    void aPayloadThatLooksLikeARecordIsNeverDeliveredAsOne() throws IOException {
        try (FileQueue queue = reopenedAfterImageOf(1_000_000, null, "unsalted")) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(56, queue.nextSequence());
        }
    }

    @Test
    void aPayloadThatLooksLikeARecordOfAnotherSaltIsNeverDeliveredAsOne() throws IOException {
        try (FileQueue queue = reopenedAfterImageOf(1_000_000, WRONG_SALT, "wrong-salt")) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(56, queue.nextSequence());
        }
    }

    @Test
    void aPayloadThatLooksLikeARecordNeverHidesUnconfirmedRecords() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = open(directory)) {
            // 221 bytes of padding after header and topic put the image at ring offset 288.
            byte[] forged = recordImage(53, "forged", null);
            byte[] payload = new byte[221 + forged.length];
            System.arraycopy(forged, 0, payload, 221, forged.length);
            queue.append(Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0, payload.length, 1, false, 1000, 0);
            // 50 records of 72 bytes fill the ring after the 368-byte first one; the next three wrap
            // to 0 and end at 216, before the image.
            for (int i = 0; i < 50; i++) {
                append(queue, String.format("f%03d", i));
            }
            Messages.drainAndConfirm(queue, 0);
            for (int i = 52; i <= 54; i++) {
                assertEquals(i, append(queue, "l" + i));
            }
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("l52", "l53", "l54"), drain(queue, 0));
        }
    }
}
