package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.ha.Json;
import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.AgentProcesses;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health as a fleet and systemd see it, with the agent as its own JVM against a real mosquitto:
 * the retained health message, and the watchdog pings that must stop when the loop stalls.
 */
class AgentHealthProcessTest {
    private static final long TIMEOUT = 20_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final AgentProcesses processes = new AgentProcesses();

    /** A simulator board whose CPU temperature file lives in the test's directory (missing at first). */
    private Path thermalTemp() throws IOException {
        Path zone = Files.createDirectories(dir.resolve("thermal/thermal_zone0"));
        return zone.resolve("temp");
    }

    private Path mapping(MosquittoBroker broker, String... extra) throws IOException {
        Path board = dir.resolve("board.properties");
        Files.write(board, List.of("name = test-board", "gpio.chip = mock", "i2c.bus = 1", "spi.bus = 0",
                "w1.base = " + dir.resolve("w1"), "iio.base = " + dir.resolve("iio"),
                "thermal.base = " + dir.resolve("thermal"), "provider.digital-input = mock", "provider.i2c = mock",
                "provider.spi = mock"), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(
                "board = " + board,
                "mqtt.server = " + broker.url(),
                "mqtt.client-id = e2e-pi",
                "mqtt.keep-alive = 5s",
                "sensor.beat.type = sim-counter",
                "sensor.beat.topic = e2e/${sensor}",
                "sensor.beat.interval = 100ms",
                "sensor.cpu.type = cpu-temperature",
                "sensor.cpu.topic = e2e/${sensor}",
                "sensor.cpu.interval = 100ms"));
        lines.addAll(List.of(extra));
        Path file = dir.resolve("mapping.properties");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aRetainedQos1HealthMessageNamesTheFailingSensorAndTheStatusLineFitsEightyColumns() throws Exception {
        thermalTemp(); // its directory only: the cpu sensor fails with "not found"
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            Path log = dir.resolve("agent.log");
            Process agent = processes.startAgent(log, mapping(broker, "log.status-interval = 1s").toString());
            assertTrue(awaitCount(log, "status: ", 2, TIMEOUT), Files.readString(log));

            // A subscriber that comes later still gets the last report: it is retained, at QoS 1.
            Process sub = new ProcessBuilder(MosquittoSubscriber.MOSQUITTO_SUB.toString(), "-h", broker.host(), "-p",
                    String.valueOf(broker.port()), "-t", "e2e-pi/health", "-q", "1", "-C", "1", "-W", "10", "-v", "-d")
                    .redirectErrorStream(true).start();
            processes.track(sub);
            String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(sub.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
            assertTrue(out.contains("received PUBLISH (d0, q1, r1, "), out);
            String line = out.lines().filter(l -> l.startsWith("e2e-pi/health ")).findFirst().orElseThrow();
            Map<String, Object> health = Json.object(line.substring("e2e-pi/health ".length()));
            @SuppressWarnings("unchecked")
            Map<String, Object> link = (Map<String, Object>) health.get("link");
            assertEquals(true, link.get("up"));
            assertEquals(broker.host() + ":" + broker.port(), link.get("server"));
            @SuppressWarnings("unchecked")
            Map<String, Object> sensors = (Map<String, Object>) health.get("sensors");
            assertEquals(2L, sensors.get("count"));
            assertEquals(1L, sensors.get("failing"));
            List<?> failing = (List<?>) sensors.get("failing_list");
            assertEquals(1, failing.size(), line);
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu = (Map<String, Object>) failing.get(0);
            assertEquals("cpu", cpu.get("name"));
            assertTrue(String.valueOf(cpu.get("reason")).endsWith("thermal_zone0/temp not found"), line);
            @SuppressWarnings("unchecked")
            Map<String, Object> queue = (Map<String, Object>) health.get("queue");
            assertEquals("memory", queue.get("type"));
            assertTrue((Long) queue.get("confirmed") > 0, line);

            agent.destroy();
            assertTrue(agent.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
            assertEquals(0, agent.exitValue());
            List<String> statusLines = Files.readAllLines(log).stream().filter(l -> l.contains(" status: ")).toList();
            for (String status : statusLines) {
                String message = status.substring(status.indexOf("status: "));
                assertTrue(message.length() <= StatusLine.MAX_LENGTH, message);
                assertTrue(message.startsWith("status: link up, queued ") && message.contains(", failing cpu, "),
                        message);
            }
        }
    }

    @Test
    void aFreshReportFollowsEveryConnectWithoutWaitingForTheInterval() throws Exception {
        thermalTemp();
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            MosquittoSubscriber health = MosquittoSubscriber.start(broker, "e2e-pi/health", 1, null);
            Path log = dir.resolve("agent.log");
            processes.startAgent(log, mapping(broker, "log.status-interval = 1h", "mqtt.reconnect.min-delay = 200ms",
                    "mqtt.reconnect.max-delay = 500ms").toString());
            List<String> first = health.awaitMessages(1, TIMEOUT);
            assertEquals(1, first.size(), Files.readString(log));
            assertTrue(first.get(0).contains("\"connects\":1,\"reconnects\":0"), first.get(0));
            health.close();

            broker.stop();
            broker.start(); // same port: the agent reconnects
            try (MosquittoSubscriber after = MosquittoSubscriber.start(broker, "e2e-pi/health", 1, null)) {
                List<String> got = after.awaitMessages(1, TIMEOUT);
                assertEquals(1, got.size(), Files.readString(log));
                assertTrue(got.get(0).contains("\"connects\":2,\"reconnects\":1"), got.get(0));
            }
            assertFalse(Files.readString(log).contains(" status: "), "no status line within the hour");
        }
    }

    @Test
    void watchdogPingsStopWhileTheLoopIsStuckAndComeBackWhenItRuns() throws Exception {
        Path temp = thermalTemp();
        // systemd-notify replaced by a script that records its arguments, one line per run.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path record = dir.resolve("notify.record");
        Path fake = bin.resolve("systemd-notify");
        Files.writeString(fake, "#!/bin/sh\necho \"$NOTIFY_SOCKET $*\" >> \"" + record + "\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            Path log = dir.resolve("agent.log");
            ProcessBuilder pb = new ProcessBuilder(AgentCommand.fromTestClasspath(
                    mapping(broker, "log.status-interval = 1s").toString()));
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            pb.environment().put("NOTIFY_SOCKET", "/run/test/notify");
            pb.environment().put("WATCHDOG_USEC", "600000"); // 0.6 s: a ping every 200 ms
            pb.environment().remove("WATCHDOG_PID");
            Process agent = processes.start(pb, log);

            assertTrue(awaitCount(record, "WATCHDOG=1", 3, TIMEOUT), Files.readString(log));
            List<String> first = Files.readAllLines(record);
            assertTrue(first.get(0).startsWith("/run/test/notify ") && first.get(0).contains("READY=1"), first.toString());
            assertTrue(awaitCount(log, "watchdog 600 ms, a ping every 200 ms", 1, TIMEOUT), Files.readString(log));

            // The cpu sensor keeps retrying its missing file; a FIFO there makes its next open() hang
            // on the loop thread. The JVM and its other threads stay alive.
            mkfifo(temp);
            assertTrue(awaitQuiet(record, "WATCHDOG=1", 2_000, TIMEOUT),
                    "pings went on while the loop was stuck: " + Files.readString(record));
            assertTrue(agent.isAlive());
            long stuckAt = count(record, "WATCHDOG=1");
            Thread.sleep(1_000);
            assertEquals(stuckAt, count(record, "WATCHDOG=1"), "no ping while the loop is stuck");

            // A writer opening the FIFO ends the reader's open(); removed, it cannot hang the sensor again.
            try (OutputStream unblock = new FileOutputStream(temp.toFile())) {
                Files.delete(temp);
            }
            assertTrue(awaitCount(record, "WATCHDOG=1", stuckAt + 3, TIMEOUT), Files.readString(record));
            assertTrue(awaitCount(record, "STATUS=status: link up", 1, TIMEOUT), Files.readString(record));
            assertFalse(Files.readString(log).contains("systemd-notify failed"), Files.readString(log));

            agent.destroy();
            assertTrue(agent.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
            assertEquals(0, agent.exitValue(), Files.readString(log));
        }
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + path);
    }

    private static long count(Path file, String text) throws IOException {
        return AgentProcesses.countLines(file, text);
    }

    private static boolean awaitCount(Path file, String text, long atLeast, long timeoutMillis) throws Exception {
        return AgentProcesses.awaitLines(file, text, atLeast, timeoutMillis);
    }

    /** Waits until no new line with {@code text} appeared for {@code quietMillis}. */
    private static boolean awaitQuiet(Path file, String text, long quietMillis, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long last = count(file, text);
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = count(file, text);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quietMillis * 1_000_000) {
                return true;
            }
        }
        return false;
    }
}
