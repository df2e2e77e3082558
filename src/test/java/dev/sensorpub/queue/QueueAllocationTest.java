package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.time.ManualClock;
import dev.sensorpub.time.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append / next / confirm path allocates nothing once warm, on both backends. */
class QueueAllocationTest {
    private static final byte[] TOPIC = "sensors/pi-01/temperature".getBytes(); // 25 bytes
    private static final byte[] PAYLOAD = "{\"t\":1732190000123,\"v\":21.375}xx".getBytes(); // 32 bytes

    /**
     * Rounds before measuring. While the JIT still compiles and deoptimizes (until about 110,000
     * rounds, later when other tests polluted the type profiles), a deoptimization can
     * re-materialize an object the compiled code had eliminated: 64 to 1,000 bytes once, not per
     * message (such events vanish with -XX:-UseOnStackReplacement or -XX:TieredStopAtLevel=1).
     * So a measurement counts only in a window without JIT compilation, see {@link #steadyState}.
     */
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 100_000;
    private static final int CHUNK = 1000;

    @TempDir
    Path temp;

    @Test
    void memoryQueueRoundsAllocateNothing() throws Exception {
        MemoryQueue queue = new MemoryQueue(64 * 1024, 1000, OverflowPolicy.DROP_OLDEST, 256);
        assertEquals(0, steadyState(new Rounds(queue), WARM_UP / Rounds.PER_CHUNK, MEASURED / Rounds.PER_CHUNK));
    }

    @Test
    void fileQueueRoundsAllocateNothing() throws Exception {
        // A small ring wraps about 150 times, so checkpoint writes before overwrites are measured too.
        try (FileQueue queue = FileQueue.open(temp.resolve("q"), 64 * 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 256)) {
            assertEquals(0, steadyState(new Rounds(queue), WARM_UP / Rounds.PER_CHUNK, MEASURED / Rounds.PER_CHUNK));
        }
    }

    @Test
    void fileQueueRoundsWithAnFsyncPerRecordAllocateNothing() throws Exception {
        try (FileQueue queue = FileQueue.open(temp.resolve("q"), 64 * 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.everyRecords(1), 256)) {
            assertEquals(0, steadyState(new Rounds(queue), 10, 2));
        }
    }

    @Test
    void memoryQueueRoundsRewritingStampsAllocateNothing() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryQueue queue = new MemoryQueue(64 * 1024, 1000, OverflowPolicy.DROP_OLDEST, 256, clock);
        StampedRounds rounds = new StampedRounds(queue, clock);
        assertEquals(0, steadyState(rounds, WARM_UP / Rounds.PER_CHUNK, MEASURED / Rounds.PER_CHUNK));
        assertEquals("2026-11-21T11:00:00.000Z", rounds.lastStamp(), "the stamp was rewritten");
    }

    @Test
    void fileQueueRoundsRewritingStampsAllocateNothing() throws Exception {
        ManualClock clock = new ManualClock();
        try (FileQueue queue = FileQueue.open(temp.resolve("q"), 64 * 1024, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.never(), 256, clock)) {
            StampedRounds rounds = new StampedRounds(queue, clock);
            assertEquals(0, steadyState(rounds, WARM_UP / Rounds.PER_CHUNK, MEASURED / Rounds.PER_CHUNK));
            assertEquals("2026-11-21T11:00:00.000Z", rounds.lastStamp(), "the stamp was rewritten");
        }
    }

    @Test
    void dropOldestAndExpiryAllocateNothing() throws Exception {
        MemoryQueue queue = new MemoryQueue(4096, 10, OverflowPolicy.DROP_OLDEST, 256);
        QueuedRecord record = new QueuedRecord();
        // Each chunk appends 20 messages to a queue that holds 10, every other one already expired, then drains.
        Runnable chunk = () -> {
            for (int i = 0; i < 20; i++) {
                queue.append(TOPIC, 0, TOPIC.length, PAYLOAD, 0, PAYLOAD.length, 1, false, i, i % 2 == 0 ? 1 : 0);
            }
            while (queue.next(record, 5)) {
                queue.confirm(record.sequence());
            }
        };
        assertEquals(0, steadyState(chunk, WARM_UP / 20, MEASURED / 20));
        assertTrue(queue.counters().droppedOverflow() > 0 && queue.counters().droppedExpired() > 0);
    }

    /** Chunks of append + next + confirm + tick rounds, short enough that the JIT compiles them normally. */
    private static final class Rounds implements Runnable {
        static final int PER_CHUNK = 1000;
        private final MessageQueue queue;
        private final QueuedRecord record = new QueuedRecord();

        Rounds(MessageQueue queue) {
            this.queue = queue;
        }

        /** One round per simulated millisecond, so ticks persist the checkpoint every 10,000 rounds. */
        @Override
        public void run() {
            for (int i = 0; i < PER_CHUNK; i++) {
                long now = queue.nextSequence();
                long sequence = queue.append(TOPIC, 0, TOPIC.length, PAYLOAD, 0, PAYLOAD.length, 1, false, now, 0);
                if (!queue.next(record, now) || record.sequence() != sequence) {
                    throw new AssertionError("record " + sequence + " not handed out");
                }
                queue.confirm(sequence);
                queue.tick(now);
            }
        }
    }

    /**
     * Rounds of a JSON reading stamped at 10:00, appended, the wall clock stepped +1 h (and back
     * for the next round), handed out with the stamp rewritten to 11:00, confirmed.
     */
    private static final class StampedRounds implements Runnable {
        private static final int STAMP_AT = 13;
        private final MessageQueue queue;
        private final ManualClock clock;
        private final QueuedRecord record = new QueuedRecord();
        private final byte[] payload = "{\"v\":1,\"ts\":\"2026-11-21T10:00:00.000Z\"}".getBytes();

        StampedRounds(MessageQueue queue, ManualClock clock) {
            this.queue = queue;
            this.clock = clock;
        }

        @Override
        public void run() {
            for (int i = 0; i < Rounds.PER_CHUNK; i++) {
                long now = clock.monotonicMillis();
                long sequence = queue.append(TOPIC, 0, TOPIC.length, payload, 0, payload.length, 1, false,
                        clock.epochMillis(), STAMP_AT, now, 0);
                clock.stepWall(HOUR);
                if (!queue.next(record, now) || record.sequence() != sequence
                        || record.timestampMillis() != clock.epochMillis()) {
                    throw new AssertionError("record " + sequence + " not handed out with its corrected stamp");
                }
                clock.stepWall(BACK);
                queue.confirm(sequence);
                queue.tick(now);
            }
        }

        String lastStamp() {
            return new String(record.buffer(), record.payloadOffset() + STAMP_AT, Timestamps.LENGTH,
                    StandardCharsets.US_ASCII);
        }
    }

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration BACK = Duration.ofHours(-1);

    /** Bytes allocated on this thread by {@code measuredChunks} runs of {@code chunk}, in steady state. */
    private static long steadyState(Runnable chunk, int warmUpChunks, int measuredChunks) throws Exception {
        return AllocationMeter.steadyStateBytes(() -> repeat(chunk, warmUpChunks), () -> repeat(chunk, measuredChunks));
    }

    private static void repeat(Runnable chunk, int times) {
        for (int i = 0; i < times; i++) {
            chunk.run();
        }
    }
}
