package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery walks the bytes of a partly overwritten record 8 bytes at a time, so a payload that
 * holds the image of a whole record (magic, lengths, CRC) is taken for a stored record.
 */
class FileQueueForgedRecordTest {
    private static final int CAPACITY = 4096;

    @TempDir
    Path temp;

    private FileQueue open(Path directory) throws IOException {
        return FileQueue.open(directory, CAPACITY, 1000, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512);
    }

    /** The stored bytes of a record with {@code sequence}, as the ring would hold them. */
    private static byte[] recordImage(long sequence, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuffer image = ByteBuffer.allocate(RecordFormat.storedLength(Messages.TOPIC.length, bytes.length));
        RecordFormat.encode(image, 0, sequence, Messages.TOPIC, 0, Messages.TOPIC.length, bytes, 0, bytes.length,
                1, false, 1000, 0);
        RecordFormat.seal(image, 0, new CRC32C());
        return image.array();
    }

    /** A clean restart of a ring whose first record's payload holds the image of a record with {@code sequence}. */
    private FileQueue reopenedAfterImageOf(long sequence) throws IOException {
        Path directory = temp.resolve("q" + sequence);
        try (FileQueue queue = open(directory)) {
            // Topic (27 bytes) after the 40-byte header: 5 bytes of padding put the image at ring offset 72.
            byte[] forged = recordImage(sequence, "forged");
            byte[] payload = new byte[5 + forged.length];
            System.arraycopy(forged, 0, payload, 5, forged.length);
            queue.append(Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0, payload.length, 1, false, 1000, 0);
            // 72-byte records: 54 fill the ring after the 152-byte first one, the 55th wraps to 0 and
            // overwrites only the first record's header, leaving the image intact.
            for (int i = 0; i < 54; i++) {
                append(queue, String.format("f%03d", i));
            }
            Messages.drainAndConfirm(queue, 0);
            assertEquals(56, append(queue, "last"));
        }
        return open(directory);
    }

    @Test
    @Disabled("defect: an image with sequence Long.MAX_VALUE overflows the next sequence: new messages get"
            + " negative sequences and the first one after the restart is never delivered")
    void aPayloadThatLooksLikeTheLastPossibleRecordCannotBreakTheSequence() throws IOException {
        try (FileQueue queue = reopenedAfterImageOf(Long.MAX_VALUE)) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(57, append(queue, "after"));
            assertEquals(List.of("after"), drain(queue, 0));
        }
    }

    @Test
    @Disabled("defect: a payload holding a record image is recovered as a record that was never appended"
            + " (here sequence 1000000, delivered after a clean restart, and the sequence jumps past it)")
    void aPayloadThatLooksLikeARecordIsNeverDeliveredAsOne() throws IOException {
        try (FileQueue queue = reopenedAfterImageOf(1_000_000)) {
            assertEquals(List.of("last"), drain(queue, 0));
            assertEquals(57, queue.nextSequence());
        }
    }

    @Test
    @Disabled("defect: a payload holding a record image with a sequence inside the live range makes recovery"
            + " skip the real unconfirmed records below it (here 53 and 54 lost, the forged 54 delivered)")
    void aPayloadThatLooksLikeARecordNeverHidesUnconfirmedRecords() throws IOException {
        Path directory = temp.resolve("q");
        try (FileQueue queue = open(directory)) {
            // 221 bytes of padding after header and topic put the image at ring offset 288.
            byte[] forged = recordImage(54, "forged");
            byte[] payload = new byte[221 + forged.length];
            System.arraycopy(forged, 0, payload, 221, forged.length);
            queue.append(Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0, payload.length, 1, false, 1000, 0);
            // 51 records of 72 bytes fill the ring after the 368-byte first one; the next three wrap
            // to 0 and end at 216, before the image.
            for (int i = 0; i < 51; i++) {
                append(queue, String.format("f%03d", i));
            }
            Messages.drainAndConfirm(queue, 0);
            for (int i = 53; i <= 55; i++) {
                assertEquals(i, append(queue, "l" + i));
            }
        }
        try (FileQueue queue = open(directory)) {
            assertEquals(List.of("l53", "l54", "l55"), drain(queue, 0));
        }
    }
}
