package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.AgentProcesses;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The agent as people run it: a separate JVM with a mapping file, against a real mosquitto. */
class AgentProcessTest {
    private static final long TIMEOUT = 20_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final AgentProcesses processes = new AgentProcesses();

    private Path mapping(String url, String... extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "board = simulator",
                "mqtt.server = " + url,
                "mqtt.client-id = e2e-pi",
                "mqtt.keep-alive = 5s",
                "mqtt.reconnect.min-delay = 200ms",
                "mqtt.reconnect.max-delay = 1s",
                "sensor.beat.type = sim-counter",
                "sensor.beat.topic = e2e/${sensor}",
                "sensor.beat.qos = 1",
                "sensor.beat.interval = 50ms",
                "sensor.env.type = sim-sine",
                "sensor.env.topic = e2e/${sensor}",
                "sensor.env.qos = 0",
                "sensor.env.interval = 200ms"));
        lines.addAll(List.of(extra));
        Path file = dir.resolve("mapping-" + processes.count() + ".properties");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private Process startAgent(Path mapping, Path log) throws IOException {
        return processes.startAgent(log, mapping.toString());
    }

    private static boolean awaitLog(Path log, String text, long timeoutMillis) throws Exception {
        return AgentProcesses.awaitLines(log, text, 1, timeoutMillis);
    }

    @Test
    void readingsArriveOnTheMappedTopicsAndSigtermSaysOfflineAndExitsZero() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             MosquittoSubscriber readings = MosquittoSubscriber.start(broker, "e2e/#", 1, null);
             MosquittoSubscriber status = MosquittoSubscriber.start(broker, "e2e-pi/status", 1, null)) {
            Path log = dir.resolve("agent.log");
            Process agent = startAgent(mapping(broker.url()), log);
            assertTrue(awaitLog(log, "connected to", TIMEOUT), "connected; log: " + Files.readString(log));
            List<String> got = readings.awaitMessages(20, TIMEOUT);
            assertTrue(got.contains("e2e/beat 0") && got.contains("e2e/beat 5"), got.toString());
            assertTrue(got.stream().anyMatch(l -> l.startsWith("e2e/env ")), got.toString());
            assertEquals(List.of("e2e-pi/status online"), status.awaitMessages(1, TIMEOUT));

            agent.destroy(); // SIGTERM
            assertTrue(agent.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
            assertEquals(0, agent.exitValue(), Files.readString(log));
            assertEquals(List.of("e2e-pi/status online", "e2e-pi/status offline"), status.awaitMessages(2, TIMEOUT));
            String out = Files.readString(log);
            assertTrue(out.contains("stopped; nothing left to send"), out);
            for (String line : out.split("\n")) {
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (DEBUG|INFO |WARN |ERROR) "
                        + "[a-z0-9]{1,6} +\\S.*"), "one plain log line per event: '" + line + "'");
            }
        }
    }

    @Test
    void killMinusNineLeavesTheWillOffline() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             MosquittoSubscriber status = MosquittoSubscriber.start(broker, "e2e-pi/status", 1, null)) {
            Path log = dir.resolve("agent.log");
            Process agent = startAgent(mapping(broker.url()), log);
            assertEquals(List.of("e2e-pi/status online"), status.awaitMessages(1, TIMEOUT));
            agent.destroyForcibly(); // SIGKILL: no DISCONNECT, the broker publishes the will
            agent.waitFor(TIMEOUT, TimeUnit.MILLISECONDS);
            assertEquals(List.of("e2e-pi/status online", "e2e-pi/status offline"), status.awaitMessages(2, TIMEOUT));
        }
    }

    @Test
    void checkReportsEveryProblemWithStatusTwoAndStartsNothing() throws Exception {
        Path bad = mapping("tcp://127.0.0.1:1", "sensor.beat.qos = 3", "sensor.beat.intervall = 1s",
                "queue.type = disk");
        Process check = new ProcessBuilder(AgentCommand.fromTestClasspath("--check", bad.toString()))
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
        assertEquals(2, check.exitValue(), out);
        assertTrue(out.contains("4 problems; nothing was started"), out);
        assertTrue(out.contains("line 15: sensor.beat.qos: also set on line 9"), out);
        assertTrue(out.contains("sensor.beat.intervall") && out.contains("sensor.beat.interval"), "did you mean: " + out);
        assertTrue(out.contains("queue.type"), out);

        Process good = new ProcessBuilder(AgentCommand.fromTestClasspath("--check",
                mapping("tcp://127.0.0.1:1").toString())).redirectErrorStream(true).start();
        String ok = new String(good.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(good.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
        assertEquals(0, good.exitValue(), ok);
        assertTrue(ok.contains(": OK (2 sensors, 0 outputs, board simulator"), ok);
    }

    @Test
    void aRestartWithTheFileQueueDeliversWhatWasQueuedWhileTheBrokerWasAway() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().create()) {
            String queue = "queue.type = file";
            String path = "queue.path = " + dir.resolve("spool");
            String log1 = runWhileTheBrokerIsDown(mapping(broker.url(), queue, path));
            int produced = readingsOf("beat", log1);
            assertTrue(produced >= 10, "produced " + produced);
            assertTrue(log1.contains("kept on disk for the next start"), log1);

            // Second run: the broker is back; the backlog goes out first, then counting goes on from 1000.
            broker.start();
            try (MosquittoSubscriber readings = MosquittoSubscriber.start(broker, "e2e/beat", 1, null)) {
                Path log2 = dir.resolve("run2.log");
                startAgent(mapping(broker.url(), queue, path, "sensor.beat.start = 1000"), log2);
                List<String> got = readings.awaitMessages(produced + 1, TIMEOUT);
                Set<Integer> values = new TreeSet<>();
                for (String line : got) {
                    values.add(Integer.parseInt(line.substring("e2e/beat ".length())));
                }
                for (int i = 0; i < produced; i++) {
                    assertTrue(values.contains(i), "reading " + i + " of " + produced + " lost; got " + values);
                }
                assertTrue(values.contains(1000), "live readings follow the backlog: " + values);
            }
        }
    }

    @Test
    void readingsQueuedUnderALongTopicAreDeliveredAfterTheirSensorIsRemoved() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().create()) {
            String queue = "queue.type = file";
            String path = "queue.path = " + dir.resolve("spool");
            // Longer than any message of the second run's mapping: its record limit is smaller.
            String longTopic = "e2e/" + "l".repeat(4_000);
            int produced = readingsOf("long", runWhileTheBrokerIsDown(mapping(broker.url(), queue, path,
                    "sensor.long.type = sim-counter", "sensor.long.topic = " + longTopic, "sensor.long.qos = 1",
                    "sensor.long.interval = 50ms")));
            assertTrue(produced >= 10, "produced " + produced);

            broker.start();
            try (MosquittoSubscriber readings = MosquittoSubscriber.start(broker, longTopic, 1, null)) {
                Path log2 = dir.resolve("run2.log");
                startAgent(mapping(broker.url(), queue, path), log2);
                List<String> got = readings.awaitMessages(produced, TIMEOUT);
                Set<Integer> values = new TreeSet<>();
                for (String line : got) {
                    values.add(Integer.parseInt(line.substring(longTopic.length() + 1)));
                }
                for (int i = 0; i < produced; i++) {
                    assertTrue(values.contains(i), "reading " + i + " of " + produced + " lost; got " + values
                            + "\n" + Files.readString(log2));
                }
            }
        }
    }

    /** A first run while the broker is down: readings pile up in the file queue; SIGTERM keeps them. Its log. */
    private String runWhileTheBrokerIsDown(Path mapping) throws Exception {
        Path log = dir.resolve("run1.log");
        Process first = startAgent(mapping, log);
        assertTrue(awaitLog(log, "connect to", TIMEOUT), Files.readString(log));
        Thread.sleep(1_500);
        first.destroy();
        assertTrue(first.waitFor(TIMEOUT, TimeUnit.MILLISECONDS));
        assertEquals(0, first.exitValue(), Files.readString(log));
        return Files.readString(log);
    }

    private static int readingsOf(String sensor, String log) {
        Matcher m = Pattern.compile("sensor " + sensor + ": (\\d+) readings").matcher(log);
        assertTrue(m.find(), log);
        return Integer.parseInt(m.group(1));
    }
}
