package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.time.ManualClock;
import dev.sensorpub.time.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reading's stamp when NTP steps the wall clock while the reading waits in the queue: while
 * the process lives, the stamp published is the capture time as the wall clock tells it at send
 * time; a record recovered from an earlier run keeps the stamp it was written with.
 */
class QueuedStampTest {
    /** The stamp sits after this much JSON, as PayloadFormatter writes it. */
    private static final String HEAD = "{\"value\":21.50,\"ts\":\"";
    private static final long MAX_AGE = 60_000;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    enum Backend { MEMORY, FILE }

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock();
    private final QueuedRecord record = new QueuedRecord();
    private MessageQueue queue;

    private MessageQueue open(Backend backend, ManualClock withClock) throws IOException {
        queue = backend == Backend.MEMORY ? new MemoryQueue(64 * 1024, 100, OverflowPolicy.DROP_OLDEST, 512, withClock)
                : FileQueue.open(temp, 64 * 1024, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512, withClock);
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    /** A JSON reading taken now, stamped with the wall clock now. */
    private static long appendReading(MessageQueue queue, ManualClock clock, long maxAgeMillis) {
        byte[] payload = (HEAD + "2000-01-01T00:00:00.000Z\"}").getBytes(StandardCharsets.US_ASCII);
        long stamp = clock.epochMillis();
        Timestamps.write(stamp, payload, HEAD.length());
        long now = clock.monotonicMillis();
        return queue.append(TOPIC, 0, TOPIC.length, payload, 0, payload.length, 1, false, stamp, HEAD.length(), now,
                ExpiryDeadlines.after(now, maxAgeMillis));
    }

    private static String iso(long epochMillis) {
        return ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The stamp inside the payload of the record just handed out. */
    private String publishedStamp() {
        return new String(record.buffer(), record.payloadOffset() + HEAD.length(), Timestamps.LENGTH,
                StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @CsvSource({"MEMORY, PT1H", "MEMORY, -PT1H", "MEMORY, P30D", "MEMORY, -P30D", "MEMORY, PT0.101S",
            "FILE, PT1H", "FILE, -PT1H", "FILE, P30D", "FILE, -P30D", "FILE, -PT0.101S"})
    void aStepWhileQueuedIsCorrectedInThePublishedStamp(Backend backend, Duration step) throws IOException {
        open(backend, clock);
        long taken = clock.epochMillis(); // the wall clock was wrong by -step at capture
        appendReading(queue, clock, MAX_AGE);
        clock.advanceMillis(2_000); // link down: the reading waits
        clock.stepWall(step); // NTP syncs
        clock.advanceMillis(3_000);
        assertTrue(queue.next(record, clock.monotonicMillis()), "not expired by the step");
        long corrected = taken + step.toMillis();
        assertEquals(clock.epochMillis() - 5_000, corrected, "the capture time as the synced clock tells it");
        assertEquals(iso(corrected), publishedStamp());
        assertEquals(corrected, record.timestampMillis());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withoutAStepTheStampIsPublishedAsTaken(Backend backend) throws IOException {
        open(backend, clock);
        long taken = clock.epochMillis();
        appendReading(queue, clock, 0);
        clock.advanceMillis(3_600_000); // an hour offline, no step
        clock.stepWall(Duration.ofMillis(MessageQueue.STAMP_TOLERANCE_MILLIS)); // within the tolerance: no step
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken), publishedStamp());
        assertEquals(taken, record.timestampMillis());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aStepBackAfterACorrectedSendRestoresTheStampTaken(Backend backend) throws IOException {
        open(backend, clock);
        long taken = clock.epochMillis();
        appendReading(queue, clock, MAX_AGE);
        clock.stepWall(Duration.ofHours(1));
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken + 3_600_000), publishedStamp(), "sent once, not acknowledged");
        clock.stepWall(Duration.ofHours(-1)); // the first sync was wrong
        queue.rewind(); // the link broke: sent again
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken), publishedStamp(), "the memory arena's rewritten stamp does not stick");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aReadingTakenAfterTheStepKeepsItsStamp(Backend backend) throws IOException {
        open(backend, clock);
        appendReading(queue, clock, MAX_AGE);
        clock.stepWall(Duration.ofHours(-1));
        long taken = clock.epochMillis();
        appendReading(queue, clock, MAX_AGE);
        clock.advanceMillis(1_000);
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken), publishedStamp(), "taken 0 s before the second reading, by the synced clock");
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken), publishedStamp());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aStepStillExpiresOnlyByRealTime(Backend backend) throws IOException {
        open(backend, clock);
        appendReading(queue, clock, MAX_AGE);
        clock.stepWall(Duration.ofHours(1));
        clock.advanceMillis(MAX_AGE - 1);
        assertTrue(queue.next(record, clock.monotonicMillis()), "a forward step expires nothing");
        queue.rewind();
        clock.advanceMillis(1);
        assertEquals(-1, queue.peekSequence(clock.monotonicMillis()), "a real minute expires it");
        assertEquals(1, queue.counters().droppedExpired());
    }

    @Test
    void aRecordRecoveredFromAnEarlierRunKeepsItsStamp() throws IOException {
        ManualClock first = new ManualClock();
        long taken = first.epochMillis();
        try (MessageQueue before = open(Backend.FILE, first)) {
            appendReading(before, first, 0);
        }
        // The next boot: its monotonic clock starts elsewhere, and NTP has stepped its wall clock.
        ManualClock second = new ManualClock(Instant.ofEpochMilli(taken + 60_000));
        second.advance(Duration.ofDays(2));
        second.stepWall(Duration.ofHours(-7));
        open(Backend.FILE, second);
        second.stepWall(Duration.ofHours(1));
        assertTrue(queue.next(record, second.monotonicMillis()));
        assertEquals(iso(taken), publishedStamp(), "nothing in this run knows when it was taken");
        assertEquals(taken, record.timestampMillis());
    }

    @Test
    void aReadingInTheMemoryFallbackAfterAStorageErrorIsCorrectedToo() throws IOException {
        QueueFiles files = new QueueFiles(temp);
        queue = files.open(64 * 1024, FsyncPolicy.never(), clock);
        files.ring().failWrites = true;
        files.checkpoint().failWrites = true;
        long taken = clock.epochMillis();
        assertTrue(appendReading(queue, clock, 0) > 0);
        assertTrue(((FileQueue) queue).inMemoryFallback());
        clock.stepWall(Duration.ofHours(1));
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(iso(taken + 3_600_000), publishedStamp());
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, 7, 30})
    void aStampOutsideThePayloadIsRejected(int stampAt) {
        MemoryQueue memory = new MemoryQueue(4096, 10, OverflowPolicy.DROP_OLDEST, 512, clock);
        byte[] payload = new byte[30];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> memory.append(TOPIC, 0,
                TOPIC.length, payload, 0, payload.length, 0, false, 0, stampAt, 0, 0));
        assertEquals("stamp at " + stampAt + " is not -1 and its 24 bytes are not inside the 30-byte payload",
                e.getMessage());
        assertEquals(0, memory.counters().appended());
    }
}
