package dev.sensorpub.log;

import dev.sensorpub.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding as a person at the console sees it, driven by a fake clock through the real sink. */
class RepeatFoldingTest {
    private static final String FAILED = "bme280 read failed: I2C NACK";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00.000Z"));
    private final Captured stdout = new Captured();
    private final ConsoleSink sink = ConsoleSink.open(
            new LogSettings(Level.INFO, null, Duration.ofSeconds(10), false), clock, LineOutput.stdout(stdout));

    @Test
    void theFirstOccurrenceIsPrintedAtOnceAndRepeatsOnlyCounted() {
        warn(FAILED);
        assertEquals(List.of(FAILED), stdout.messages());
        for (int i = 0; i < 57; i++) {
            clock.advance(Duration.ofMillis(100));
            warn(FAILED);
        }
        assertEquals(List.of(FAILED), stdout.messages());
    }

    @Test
    void theCountIsPrintedWhenTheWindowEndsEvenIfNothingElseIsLogged() {
        warn(FAILED);
        for (int i = 0; i < 57; i++) {
            clock.advance(Duration.ofMillis(100));
            warn(FAILED);
        }
        clock.advance(Duration.ofMillis(4299));
        sink.tick();
        assertEquals(1, stdout.lines().size(), "window not over yet");
        clock.advance(Duration.ofMillis(1));
        sink.tick();
        assertEquals(List.of(FAILED, "57 more: " + FAILED), stdout.messages());
        assertTrue(stdout.lines().get(1).startsWith("2026-11-21T10:00:10.000Z WARN  sensor "), stdout.lines().get(1));
    }

    @Test
    void aSteadyRepeatPrintsAtMostOneCountPerWindowAndLosesNone() {
        int occurrences = 0;
        for (int i = 0; i < 350; i++) {   // one every 100 ms for 35 s
            warn(FAILED);
            occurrences++;
            clock.advance(Duration.ofMillis(100));
            sink.tick();
        }
        clock.advance(Duration.ofSeconds(10));
        sink.tick();

        List<String> lines = stdout.lines();
        assertEquals(5, lines.size(), stdout.text());   // first, counts at 10 s, 20 s, 30 s, rest at 40 s
        int counted = 1;
        long previous = clock.epochMillis() - 100_000;
        for (String line : lines) {
            long at = Instant.parse(line.substring(0, 24)).toEpochMilli();
            assertTrue(at - previous >= 10_000, "two lines less than a window apart: " + line);
            previous = at;
            String message = line.substring(38);
            if (message.endsWith(" more: " + FAILED)) {
                counted += Integer.parseInt(message.substring(0, message.indexOf(' ')));
            }
        }
        assertEquals(occurrences, counted);
    }

    @Test
    void aCountLineKeepsTheMessageWholeAndFits80ColumnsWhenTheMessageLeavesRoomForTheCount() {
        String cause = "bme280 0x76 on /dev/i2c-1 read failed: Remote I/O error (errno 121)";
        String line = ConsoleSink.summaryLine(99_999, cause);
        assertTrue(line.endsWith(cause), line);
        assertTrue(line.length() <= 80, line.length() + " characters: " + line);
    }

    @Test
    void aLineThatWasQuietForAWholeWindowIsPrintedInFullAgain() {
        warn(FAILED);
        clock.advance(Duration.ofSeconds(10));
        warn(FAILED);
        assertEquals(List.of(FAILED, FAILED), stdout.messages());
    }

    @Test
    void linesThatTakeTurnsAreFoldedIndependently() {
        for (int i = 0; i < 100; i++) {
            warn("door read failed");
            warn("window read failed");
            clock.advance(Duration.ofMillis(50));
        }
        clock.advance(Duration.ofSeconds(5));
        sink.tick();
        assertEquals(List.of("door read failed", "window read failed",
                "99 more: door read failed", "99 more: window read failed"),
                stdout.messages());
    }

    @Test
    void aDifferentLevelOrComponentIsADifferentLine() {
        sink.write(Level.WARN, "sensor", "x");
        sink.write(Level.ERROR, "sensor", "x");
        sink.write(Level.WARN, "mqtt", "x");
        sink.write(Level.WARN, "sensor", "x");
        assertEquals(3, stdout.lines().size(), stdout.text());
    }

    @Test
    void dueCountsComeOutBeforeTheNextLine() {
        warn(FAILED);
        warn(FAILED);
        warn(FAILED);
        clock.advance(Duration.ofSeconds(12));
        sink.write(Level.INFO, "mqtt", "connected");
        assertEquals(List.of(FAILED, "2 more: " + FAILED, "connected"), stdout.messages());
    }

    @Test
    void whenTheTableIsFullTheOldestLineGivesUpItsSlotAfterPrintingItsCount() {
        for (int i = 0; i < RepeatFolder.SLOTS; i++) {
            warn("sensor " + i + " failed");
            warn("sensor " + i + " failed");
            clock.advance(Duration.ofMillis(10));
        }
        warn("one line too many");
        List<String> messages = stdout.messages();
        assertEquals("1 more: sensor 0 failed", messages.get(RepeatFolder.SLOTS));
        assertEquals("one line too many", messages.get(RepeatFolder.SLOTS + 1));
        assertEquals(RepeatFolder.SLOTS + 2, messages.size());
    }

    @Test
    void aZeroWindowPrintsEveryLine() {
        ConsoleSink unfolded = ConsoleSink.open(new LogSettings(Level.INFO, null, Duration.ZERO, false), clock,
                LineOutput.stdout(stdout));
        for (int i = 0; i < 5; i++) {
            unfolded.write(Level.WARN, "sensor", FAILED);
        }
        assertEquals(5, stdout.lines().size());
    }

    @Test
    void foldingARepeatedLineAllocatesNothing() {
        warn(FAILED);
        for (int warmUp = 0; warmUp < 10; warmUp++) {
            repeat(FAILED, 10_000);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.getCurrentThreadAllocatedBytes();
        long before = threads.getCurrentThreadAllocatedBytes();
        repeat(FAILED, 10_000);
        long after = threads.getCurrentThreadAllocatedBytes();
        assertEquals(0, after - before);
        assertEquals(1, stdout.lines().size());
    }

    private void repeat(String message, int times) {
        for (int i = 0; i < times; i++) {
            warn(message);
        }
    }

    private void warn(String message) {
        sink.write(Level.WARN, "sensor", message);
    }
}
