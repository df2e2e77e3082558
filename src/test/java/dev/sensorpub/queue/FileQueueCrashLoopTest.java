package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Pi on a flaky supply: many short runs, each ended by {@code kill -9}. The confirmed position
 * must reach the file fast enough that a restart resends only what was in flight at the kill,
 * not everything since the first start.
 */
class FileQueueCrashLoopTest {
    private static final int CYCLES = 20;
    private static final int WINDOW = 10;
    private static final long READING_EVERY_MILLIS = 20;
    private static final long ACK_AFTER_MILLIS = 30;
    private static final byte[] TOPIC = "crash/loop".getBytes(StandardCharsets.UTF_8);

    @Test
    void twentyKilledRunsOfTwoToSevenSecondsResendAtMostTheInFlightWindowEachAndLoseNothing() throws IOException {
        Random random = new Random(7);
        SimulatedDisk disk = new SimulatedDisk();
        Set<Long> confirmed = new HashSet<>();
        Set<Long> appended = new HashSet<>();
        long now = 0;
        long totalDuplicates = 0;
        try (CapturedLog ignored = new CapturedLog()) {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                FileQueue queue = FileQueue.open(Path.of("q"), 64 * 1024, 10_000, OverflowPolicy.DROP_OLDEST,
                        FsyncPolicy.everyMillis(1000), 64, disk.opener());
                queue.tick(now);
                ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {sequence, ack due}
                QueuedRecord record = new QueuedRecord();
                int duplicates = 0;
                long end = now + 2000 + random.nextInt(5000);
                int killAt = random.nextInt(3);
                while (true) {
                    byte[] payload = ("r" + now).getBytes(StandardCharsets.UTF_8);
                    appended.add(queue.append(TOPIC, 0, TOPIC.length, payload, 0, payload.length, 1, false, 0, 0));
                    if (now >= end && killAt == 0) {
                        break;
                    }
                    while (!inFlight.isEmpty() && inFlight.peekFirst()[1] <= now) {
                        long sequence = inFlight.pollFirst()[0];
                        queue.confirm(sequence);
                        confirmed.add(sequence);
                    }
                    if (now >= end && killAt == 1) {
                        break;
                    }
                    while (inFlight.size() < WINDOW && queue.next(record, now)) {
                        if (confirmed.contains(record.sequence())) {
                            duplicates++;
                        }
                        inFlight.addLast(new long[] {record.sequence(), now + ACK_AFTER_MILLIS});
                    }
                    queue.tick(now);
                    if (now >= end) {
                        break;
                    }
                    now += READING_EVERY_MILLIS;
                }
                // kill -9: the queue is dropped without sync or close; the page cache keeps its writes.
                assertTrue(duplicates <= WINDOW, "cycle " + cycle + ": " + duplicates + " confirmed readings resent,"
                        + " more than the in-flight window of " + WINDOW);
                totalDuplicates += duplicates;
            }
            FileQueue last = FileQueue.open(Path.of("q"), 64 * 1024, 10_000, OverflowPolicy.DROP_OLDEST,
                    FsyncPolicy.everyMillis(1000), 64, disk.opener());
            Set<Long> delivered = new HashSet<>(confirmed);
            QueuedRecord record = new QueuedRecord();
            while (last.next(record, now)) {
                delivered.add(record.sequence());
            }
            assertEquals(appended, delivered, "every reading delivered or still queued");
        }
        System.out.println("crash loop: " + CYCLES + " killed runs, " + appended.size() + " readings, "
                + totalDuplicates + " duplicates (in-flight window " + WINDOW + ")");
    }
}
