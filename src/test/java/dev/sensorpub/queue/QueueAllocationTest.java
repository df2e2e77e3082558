package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append / next / confirm path allocates nothing once warm, on both backends. */
class QueueAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final byte[] TOPIC = "sensors/pi-01/temperature".getBytes(); // 25 bytes
    private static final byte[] PAYLOAD = "{\"t\":1732190000123,\"v\":21.375}xx".getBytes(); // 32 bytes

    /**
     * Enough rounds for the JIT to settle: until about 110,000 rounds the file path shows a few
     * one-off allocations of 64 to 1,000 bytes while compilations and deoptimizations happen (not
     * per message: they vanish with -XX:-UseOnStackReplacement or -XX:TieredStopAtLevel=1).
     * Rounds run in calls of {@link #CHUNK} so the measured code is compiled normally.
     */
    private static final int WARM_UP = 200_000;
    private static final int CHUNK = 1000;

    @TempDir
    Path temp;

    @Test
    void memoryQueueRoundsAllocateNothing() {
        MemoryQueue queue = new MemoryQueue(64 * 1024, 1000, OverflowPolicy.DROP_OLDEST, 256);
        assertEquals(0, allocatedBy(queue, WARM_UP, 100_000));
    }

    @Test
    void fileQueueRoundsAllocateNothing() throws IOException {
        // A small ring wraps about 150 times, so checkpoint writes before overwrites are measured too.
        try (FileQueue queue = FileQueue.open(temp.resolve("q"), 64 * 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 256)) {
            assertEquals(0, allocatedBy(queue, WARM_UP, 100_000));
        }
    }

    @Test
    void fileQueueRoundsWithAnFsyncPerRecordAllocateNothing() throws IOException {
        try (FileQueue queue = FileQueue.open(temp.resolve("q"), 64 * 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.everyRecords(1), 256)) {
            assertEquals(0, allocatedBy(queue, 10_000, 2_000));
        }
    }

    @Test
    void dropOldestAndExpiryAllocateNothing() {
        MemoryQueue queue = new MemoryQueue(4096, 10, OverflowPolicy.DROP_OLDEST, 256);
        QueuedRecord record = new QueuedRecord();
        for (int i = 0; i < WARM_UP / CHUNK; i++) {
            overflowAndExpire(queue, record);
        }
        allocated();
        long before = allocated();
        for (int i = 0; i < 100; i++) {
            overflowAndExpire(queue, record);
        }
        long delta = allocated() - before;
        assertTrue(queue.counters().droppedOverflow() > 0 && queue.counters().droppedExpired() > 0);
        assertEquals(0, delta);
    }

    /** Appends 20 messages to a queue that holds 10, every other one already expired, then drains. */
    private static void overflowAndExpire(MessageQueue queue, QueuedRecord record) {
        for (int i = 0; i < 20; i++) {
            queue.append(TOPIC, 0, TOPIC.length, PAYLOAD, 0, PAYLOAD.length, 1, false, i, i % 2 == 0 ? 1 : 0);
        }
        while (queue.next(record, 5)) {
            queue.confirm(record.sequence());
        }
    }

    /** Bytes allocated on this thread by {@code rounds} append+next+confirm+tick rounds after {@code warmUp} rounds. */
    private static long allocatedBy(MessageQueue queue, int warmUp, int rounds) {
        QueuedRecord record = new QueuedRecord();
        for (int i = 0; i < warmUp / CHUNK; i++) {
            run(queue, record, CHUNK);
        }
        allocated();
        long before = allocated();
        for (int i = 0; i < rounds / CHUNK; i++) {
            run(queue, record, CHUNK);
        }
        long delta = allocated() - before;
        assertEquals((long) warmUp + rounds, queue.counters().confirmed());
        return delta;
    }

    /** One round per simulated millisecond, so ticks write the checkpoint about once per 1000 rounds. */
    private static void run(MessageQueue queue, QueuedRecord record, int rounds) {
        for (int i = 0; i < rounds; i++) {
            long now = queue.nextSequence();
            long sequence = queue.append(TOPIC, 0, TOPIC.length, PAYLOAD, 0, PAYLOAD.length, 1, false, now, 0);
            if (!queue.next(record, now) || record.sequence() != sequence) {
                throw new AssertionError("record " + sequence + " not handed out");
            }
            queue.confirm(sequence);
            queue.tick(now);
        }
    }

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
