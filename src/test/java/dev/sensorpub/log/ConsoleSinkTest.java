package dev.sensorpub.log;

import dev.sensorpub.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleSinkTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:15:02.123Z"));
    private final Captured stdout = new Captured();

    @TempDir
    Path dir;

    @Test
    void writesOneLfTerminatedLinePerEvent() {
        ConsoleSink sink = sink(Level.INFO, null);
        sink.write(Level.INFO, "mqtt", "connected to 10.0.0.5:1883 (session present: no)");
        clock.advance(Duration.ofMillis(877));
        sink.write(Level.WARN, "sensor", "door read failed");
        assertEquals("2026-11-21T10:15:02.123Z INFO  mqtt   connected to 10.0.0.5:1883 (session present: no)\n"
                + "2026-11-21T10:15:03.000Z WARN  sensor door read failed\n", stdout.text());
    }

    @Test
    void linesBelowTheThresholdAreNotPrinted() {
        ConsoleSink sink = sink(Level.WARN, null);
        for (Level level : Level.values()) {
            sink.write(level, "agent", "at " + level);
        }
        assertEquals(List.of("at WARN", "at ERROR"), stdout.messages());
        assertFalse(sink.enabled(Level.INFO));
        assertTrue(sink.enabled(Level.ERROR));
    }

    @Test
    void aMessageWithLineBreaksStaysOneLine() {
        ConsoleSink sink = sink(Level.DEBUG, null);
        sink.write(Level.ERROR, "config", "bad value\nsecond line\r\nthird");
        assertEquals(List.of("bad value?second line??third"), stdout.messages());
    }

    @Test
    void aNullMessagePrintsAsNull() {
        sink(Level.INFO, null).write(Level.INFO, "agent", null);
        assertEquals(List.of("null"), stdout.messages());
    }

    @Test
    void aProblemIsAppendedAsOneLineWithoutStackTrace() {
        ConsoleSink sink = sink(Level.DEBUG, null);
        sink.write(Level.WARN, "mqtt", "link lost", new IOException("read failed", new SocketException("Connection reset")));
        assertEquals(List.of("link lost: read failed (caused by Connection reset)"),
                stdout.messages());
    }

    @Test
    void stackTracesNeedBothDebugLevelAndTheFlag() {
        IOException problem = new IOException("boom", new SocketException("reset"));
        sinkWith(new LogSettings(Level.INFO, null, Duration.ZERO, true)).write(Level.ERROR, "agent", "crash", problem);
        assertEquals(1, stdout.lines().size());
        stdout.reset();
        sinkWith(new LogSettings(Level.DEBUG, null, Duration.ZERO, false)).write(Level.ERROR, "agent", "crash", problem);
        assertEquals(1, stdout.lines().size());
        stdout.reset();

        sinkWith(new LogSettings(Level.DEBUG, null, Duration.ZERO, true)).write(Level.ERROR, "agent", "crash", problem);
        List<String> lines = stdout.lines();
        assertTrue(lines.size() > 3, String.join("\n", lines));
        assertTrue(lines.get(1).contains("DEBUG agent      at dev.sensorpub.log.ConsoleSinkTest."), lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("DEBUG agent    caused by SocketException: reset")));
    }

    @Test
    void serialDeviceGetsTheSameLinesEndingInCrLf() throws IOException {
        Path serial = Files.createFile(dir.resolve("ttyFake"));
        ConsoleSink sink = sink(Level.INFO, serial.toString());
        sink.write(Level.INFO, "agent", "started");
        sink.write(Level.ERROR, "queue", "file queue full");
        sink.close();
        String expected = "2026-11-21T10:15:02.123Z INFO  agent  started\r\n"
                + "2026-11-21T10:15:02.123Z ERROR queue  file queue full\r\n";
        assertEquals(expected, Files.readString(serial, StandardCharsets.US_ASCII));
        assertEquals(expected.replace("\r\n", "\n"), stdout.text());
    }

    @Test
    void anUnopenableSerialDeviceGivesOneWarningAndStdoutCarriesOn() {
        Path missing = dir.resolve("serial0");
        ConsoleSink sink = sink(Level.INFO, missing.toString());
        sink.write(Level.INFO, "agent", "started");
        sink.write(Level.INFO, "agent", "still running");
        List<String> lines = stdout.lines();
        assertEquals(3, lines.size(), stdout.text());
        assertEquals("2026-11-21T10:15:02.123Z WARN  log    log.serial " + missing
                + " cannot be opened (no such file: " + missing + "); logging to stdout only", lines.get(0));
        assertEquals(List.of("started", "still running"), stdout.messages().subList(1, 3));
        assertFalse(Files.exists(missing), "a missing device must not be created as a file");
    }

    @Test
    void theSerialWarningIsPrintedEvenAboveItsLevel() {
        sink(Level.ERROR, dir.resolve("serial0").toString());
        assertEquals(1, stdout.lines().size(), stdout.text());
        assertTrue(stdout.lines().get(0).contains(" WARN  log    log.serial "), stdout.text());
    }

    @Test
    void aSerialDeviceThatFailsLaterIsDroppedWithOneWarning() {
        Path full = Path.of("/dev/full");   // every write fails with "No space left on device"
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        ConsoleSink sink = sink(Level.INFO, full.toString());
        sink.write(Level.INFO, "agent", "one");
        sink.write(Level.INFO, "agent", "two");
        List<String> messages = stdout.messages();
        assertEquals(3, messages.size(), stdout.text());
        assertEquals("one", messages.get(0));
        assertTrue(messages.get(1).startsWith("log.serial /dev/full write failed (No space left on device"), messages.get(1));
        assertTrue(messages.get(1).endsWith("); logging to stdout only"), messages.get(1));
        assertEquals("two", messages.get(2));
    }

    @Test
    void threadsLoggingAtOnceLoseNothingAndNeverInterleaveLines() throws InterruptedException {
        ConsoleSink sink = sink(Level.INFO, null);   // folding on: the threads share its table
        int threads = 4;
        int linesEach = 500;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String component = "t" + t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < linesEach; i++) {
                    sink.write(Level.INFO, component, "line " + i + " of a message long enough to be split");
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join(10_000);
            assertFalse(writer.isAlive(), "writer still running after 10 s");
        }
        List<String> lines = stdout.lines();
        assertEquals(threads * linesEach, lines.size());
        Pattern whole = Pattern.compile("2026-11-21T10:15:02\\.123Z INFO  t[0-3]     line [0-9]+ of a message long enough to be split");
        for (String line : lines) {
            assertTrue(whole.matcher(line).matches(), line);
        }
    }

    @Test
    void threadsRepeatingOneLineAtOnceKeepTheCountExact() throws InterruptedException {
        ConsoleSink sink = sink(Level.INFO, null);
        int threads = 4;
        int repeatsEach = 20_000;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            writers.add(new Thread(() -> {
                for (int i = 0; i < repeatsEach; i++) {
                    sink.write(Level.WARN, "sensor", "dht22 read failed");
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join(10_000);
            assertFalse(writer.isAlive(), "writer still running after 10 s");
        }
        sink.flush();
        assertEquals(List.of("dht22 read failed", (threads * repeatsEach - 1) + " more: dht22 read failed"),
                stdout.messages());
    }

    @Test
    void passwordsNeverReachTheOutput() {
        ConsoleSink sink = sink(Level.INFO, null);
        sink.write(Level.ERROR, "mqtt", "cannot reach tcp://garage:hunter2@10.0.0.5:1883",
                new IOException("connect tcp://garage:hunter2@10.0.0.5:1883 refused"));
        assertFalse(stdout.text().contains("hunter2"), stdout.text());
        assertTrue(stdout.text().contains("tcp://garage:***@10.0.0.5:1883"), stdout.text());
    }

    @Test
    void closePrintsFoldedCountsStillOwed() {
        ConsoleSink sink = sink(Level.INFO, null);
        sink.write(Level.WARN, "sensor", "dht22 read failed");
        sink.write(Level.WARN, "sensor", "dht22 read failed");
        sink.close();
        assertEquals(List.of("dht22 read failed", "1 more: dht22 read failed"), stdout.messages());
    }

    private ConsoleSink sink(Level level, String serial) {
        return sinkWith(new LogSettings(level, serial, Duration.ofSeconds(10), false));
    }

    private ConsoleSink sinkWith(LogSettings settings) {
        return ConsoleSink.open(settings, clock, LineOutput.stdout(stdout));
    }
}
