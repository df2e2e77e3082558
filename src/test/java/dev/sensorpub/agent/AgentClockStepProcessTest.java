package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NTP stepping the Pi's clock while the broker is out of reach, end to end: the agent runs as its
 * own JVM under libfaketime, whose wall clock starts an hour slow (or 30 days ahead) and is stepped
 * to the right time by rewriting libfaketime's timestamp file while the link is down. The monotonic clock is left
 * alone (FAKETIME_DONT_FAKE_MONOTONIC=1), as NTP leaves CLOCK_MONOTONIC alone; without that option
 * libfaketime's own README says the JVM usually hangs.
 *
 * <p>The readings queued before the step must arrive with their stamps corrected (the real time
 * of capture, not an hour earlier), none lost, and the sensor's pacing unchanged by the step.
 */
class AgentClockStepProcessTest {
    private static final long TIMEOUT = 20_000;
    private static final long INTERVAL = 100;
    private static final Pattern READING = Pattern.compile("ft/beat \\{\"value\":(\\d+),\"ts\":\"([^\"]+)\"}");

    @TempDir
    Path dir;

    private Process agent;

    @AfterEach
    void stopAgent() {
        if (agent != null) {
            agent.destroyForcibly();
        }
    }

    /** libfaketime's library, where Debian's libfaketime package puts it on any architecture. */
    static Path libfaketime() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            return dirs.map(d -> d.resolve("faketime/libfaketime.so.1")).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalStateException("libfaketime is missing; install it with: "
                            + "sudo apt-get install -y faketime (scripts/test.sh does this when run as root)"));
        }
    }

    /** The wall clock at start is off by this many seconds: an hour slow, or 30 days ahead. */
    @ParameterizedTest
    @ValueSource(longs = {-3_600, 2_592_000})
    void readingsQueuedWhileNtpStepsTheClockArriveWithCorrectedStampsNoneLostPacingUnchanged(long wrongBySeconds)
            throws Exception {
        long wrongBy = wrongBySeconds * 1000;
        Path offset = dir.resolve("faketime.rc");
        // The saved clock of a Pi without an RTC.
        Files.writeString(offset, (wrongBySeconds < 0 ? "" : "+") + wrongBySeconds + "\n");
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             MosquittoSubscriber readings = MosquittoSubscriber.start(broker, "ft/#", 1, null);
             BlackHoleProxy link = BlackHoleProxy.start(broker.host(), broker.port())) {
            Path log = dir.resolve("agent.log");
            ProcessBuilder builder = new ProcessBuilder(AgentCommand.fromTestClasspath(mapping(link.url()).toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("LD_PRELOAD", libfaketime().toString());
            env.put("FAKETIME_TIMESTAMP_FILE", offset.toString());
            env.put("FAKETIME_CACHE_DURATION", "1"); // the file is read again at most a second after a change
            env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            agent = builder.start();

            List<String> online = readings.awaitMessages(10, TIMEOUT);
            assertTrue(online.size() >= 10, "readings through the link; log: " + Files.readString(log));
            long firstStamp = stampOf(online.get(0));
            assertTrue(Math.abs(System.currentTimeMillis() + wrongBy - firstStamp) < 30_000, "libfaketime did not"
                    + " put the agent's wall clock " + wrongBySeconds + " s off: first stamp "
                    + Instant.ofEpochMilli(firstStamp));

            link.blackHole(); // the tunnel: nothing crosses, nothing is closed ...
            link.reset(); // ... and the connection dies, so nothing written before the step arrives later
            long outage = System.currentTimeMillis();
            Thread.sleep(2_000);
            // NTP syncs: the wall clock steps to the right time (seen by the agent up to a second later,
            // libfaketime's cache), so whatever it stamped before this moment it stamped off.
            long step = System.currentTimeMillis();
            Files.writeString(offset, "+0\n");
            Thread.sleep(2_500);
            int beforeRestore = readings.messages().size();
            link.restore();
            long restored = System.currentTimeMillis();

            // Delivery is in order: once a reading taken after the restore arrives, the backlog is through.
            List<String> all = awaitReadingStampedAfter(readings, beforeRestore, restored + 1_000);
            agent.destroy();
            assertTrue(agent.waitFor(TIMEOUT, TimeUnit.MILLISECONDS), "the agent stops on SIGTERM");
            String diagnosis = "log: " + Files.readString(log) + "\nreadings: " + all;

            List<String> before = all.subList(0, beforeRestore);
            for (String line : before) {
                assertTrue(Math.abs(stampOf(line) - wrongBy - outage) < 60_000, "sent before the step, as the clock"
                        + " then said: " + line);
            }
            List<String> after = all.subList(beforeRestore, all.size());
            int queuedBeforeTheStep = 0;
            for (String line : after) {
                long stamp = stampOf(line);
                assertTrue(stamp >= outage - 5_000 && stamp <= System.currentTimeMillis(),
                        "stamp corrected to the real capture time: " + line + "\n" + diagnosis);
                if (stamp < step) {
                    queuedBeforeTheStep++;
                }
            }
            assertTrue(queuedBeforeTheStep >= 5, queuedBeforeTheStep + " readings taken before the step arrived"
                    + " after it; " + diagnosis);

            // Newest stamp per value: QoS 1 may bring a reading twice (one sent just before the outage).
            TreeMap<Long, Long> stampByValue = new TreeMap<>();
            for (String line : all) {
                stampByValue.put(valueOf(line), stampOf(line));
            }
            assertEquals(0, stampByValue.firstKey(), diagnosis);
            assertEquals(stampByValue.lastKey() + 1, stampByValue.size(), "no value lost; " + diagnosis);

            // Pacing: across the outage and the step, one reading per interval on the real clock.
            long previous = -1;
            for (Map.Entry<Long, Long> e : stampByValue.tailMap(valueOf(after.get(0))).entrySet()) {
                if (previous >= 0) {
                    long gap = e.getValue() - previous;
                    assertTrue(gap >= 0 && gap < 2_000, "value " + e.getKey() + " came " + gap + " ms after the one"
                            + " before; " + diagnosis);
                }
                previous = e.getValue();
            }
            long firstAfter = stampByValue.get(valueOf(after.get(0)));
            long span = stampByValue.lastEntry().getValue() - firstAfter;
            long taken = stampByValue.lastKey() - valueOf(after.get(0));
            assertTrue(taken <= span / INTERVAL + 2, taken + " readings in " + span + " ms: the step made the sensor"
                    + " catch up; " + diagnosis);
        }
    }

    private Path mapping(String url) throws IOException {
        Path file = dir.resolve("mapping.properties");
        Files.write(file, List.of(
                "board = simulator",
                "mqtt.server = " + url,
                "mqtt.client-id = faketime-pi",
                "mqtt.keep-alive = 2s",
                "mqtt.connect-timeout = 1s",
                "mqtt.reconnect.min-delay = 200ms",
                "mqtt.reconnect.max-delay = 500ms",
                "sensor.beat.type = sim-counter",
                "sensor.beat.topic = ft/${sensor}",
                "sensor.beat.qos = 1",
                "sensor.beat.format = json",
                "sensor.beat.interval = " + INTERVAL + "ms"), StandardCharsets.UTF_8);
        return file;
    }

    /** Once a reading after the first {@code skip} is stamped after {@code epochMillis}: every reading so far. */
    private static List<String> awaitReadingStampedAfter(MosquittoSubscriber readings, int skip, long epochMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT;
        while (System.currentTimeMillis() < deadline) {
            List<String> got = readings.messages();
            if (got.size() > skip && stampOf(got.get(got.size() - 1)) > epochMillis) {
                return got;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no reading stamped after " + Instant.ofEpochMilli(epochMillis) + " within "
                + TIMEOUT + " ms: " + readings.messages());
    }

    private static Matcher reading(String line) {
        Matcher m = READING.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("not a reading: " + line);
        }
        return m;
    }

    private static long valueOf(String line) {
        return Long.parseLong(reading(line).group(1));
    }

    private static long stampOf(String line) {
        return Instant.parse(reading(line).group(2)).toEpochMilli();
    }
}
