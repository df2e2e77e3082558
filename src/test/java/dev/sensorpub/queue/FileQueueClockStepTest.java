package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.time.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * max-age in the file queue while NTP steps the wall clock: deadlines are monotonic while the
 * process lives, and written as wall time so that the next boot, with a new monotonic origin,
 * still knows how much of each record's max-age is left.
 */
class FileQueueClockStepTest {
    private static final long MAX_AGE = 60_000;

    @TempDir
    Path temp;

    private FileQueue open(ManualClock clock) throws IOException {
        return FileQueue.open(temp, 4096, 100, OverflowPolicy.DROP_OLDEST, FsyncPolicy.never(), 512, clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void aStepWhileRunningExpiresNothingAndRealTimeStillDoes(String step) throws IOException {
        ManualClock clock = new ManualClock();
        try (FileQueue queue = open(clock)) {
            append(queue, "before", ExpiryDeadlines.after(clock.monotonicMillis(), MAX_AGE));
            clock.stepWall(Duration.parse(step));
            append(queue, "after", ExpiryDeadlines.after(clock.monotonicMillis(), MAX_AGE));
            clock.advanceMillis(MAX_AGE - 1);
            assertEquals(List.of("before", "after"), drain(queue, clock.monotonicMillis()));
            queue.rewind();
            clock.advanceMillis(1);
            assertEquals(List.of(), drain(queue, clock.monotonicMillis()), "a real minute later both are gone");
            assertEquals(2, queue.counters().droppedExpired());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void aStepBeforeTheRestartStillLeavesTheRestOfTheMaxAge(String step) throws IOException {
        ManualClock first = new ManualClock();
        try (FileQueue queue = open(first)) {
            first.stepWall(Duration.parse(step)); // NTP synced after the reading's boot, before it was queued
            append(queue, "kept", ExpiryDeadlines.after(first.monotonicMillis(), MAX_AGE));
            first.advanceMillis(20_000);
        }
        // The next boot: its monotonic clock starts elsewhere, the wall clock went on.
        ManualClock second = new ManualClock(Instant.ofEpochMilli(first.epochMillis() + 5_000));
        second.advance(Duration.ofDays(3));
        second.stepWall(Duration.ofDays(-3));
        try (FileQueue queue = open(second)) {
            second.advanceMillis(MAX_AGE - 25_000 - 1);
            assertEquals(List.of("kept"), drain(queue, second.monotonicMillis()), "35 s of its minute were left");
            queue.rewind();
            second.advanceMillis(1);
            assertEquals(List.of(), drain(queue, second.monotonicMillis()));
        }
    }
}
