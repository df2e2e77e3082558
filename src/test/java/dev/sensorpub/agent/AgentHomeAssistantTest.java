package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Home Assistant and a relay, end to end: the agent as its own JVM on the simulator board (Pi4J
 * mock output), a real mosquitto, mosquitto_sub and mosquitto_pub as Home Assistant would be.
 */
class AgentHomeAssistantTest {
    private static final long TIMEOUT = 20_000;

    @TempDir
    Path dir;

    private Process agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.destroyForcibly();
        }
    }

    private void startAgent(MosquittoBroker broker) throws Exception {
        Path mapping = dir.resolve("mapping.properties");
        Files.write(mapping, List.of(
                "board = simulator",
                "mqtt.server = " + broker.url(),
                "mqtt.client-id = ha-pi",
                "mqtt.keep-alive = 2s",
                "mqtt.reconnect.min-delay = 100ms",
                "mqtt.reconnect.max-delay = 500ms",
                "ha.discovery = true",
                "sensor.temp.type = sim-sine",
                "sensor.temp.topic = ha-pi/temp",
                "sensor.temp.unit = C",
                "sensor.temp.interval = 1s",
                "output.relay.type = gpio-output",
                "output.relay.pin = 23",
                "output.relay.safe-after = 1s"), StandardCharsets.UTF_8);
        List<String> command = AgentCommand.fromTestClasspath(mapping.toString());
        agent = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile())
                .start();
    }

    private static void publish(MosquittoBroker broker, String topic, String payload) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", broker.host(), "-p", String.valueOf(broker.port()),
                "-t", topic, "-m", payload, "-q", "1").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_pub " + topic);
    }

    @Test
    void discoveryIsRetainedAndTheRelayFollowsCommandsAndFallsSafeWhenTheLinkStaysDown() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            startAgent(broker);
            try (MosquittoSubscriber state = MosquittoSubscriber.start(broker, "ha-pi/relay/state", 1, null)) {
                assertEquals("ha-pi/relay/state OFF", state.awaitMessages(1, TIMEOUT).get(0), "initial state echoed");
                try (MosquittoSubscriber configs = MosquittoSubscriber.start(broker, "homeassistant/#", 1, null)) {
                    List<String> got = configs.awaitMessages(2, TIMEOUT);
                    assertTrue(got.stream().anyMatch(l -> l.startsWith("homeassistant/sensor/ha-pi/temp/config {")
                            && l.contains("\"state_topic\":\"ha-pi/temp\"") && l.contains("\"availability")), got.toString());
                    assertTrue(got.stream().anyMatch(l -> l.startsWith("homeassistant/switch/ha-pi/relay/config {")
                            && l.contains("\"command_topic\":\"ha-pi/relay/set\"")), got.toString());
                }

                publish(broker, "ha-pi/relay/set", "ON");
                assertTrue(state.awaitMessages(2, TIMEOUT).contains("ha-pi/relay/state ON"), state.messages().toString());
                publish(broker, "ha-pi/relay/set", "maybe"); // unknown: logged, ignored
                publish(broker, "ha-pi/relay/set", "OFF");
                assertEquals(3, state.awaitMessages(3, TIMEOUT).size());
                publish(broker, "ha-pi/relay/set", "ON");
                List<String> echoes = state.awaitMessages(4, TIMEOUT);
                assertEquals(List.of("ha-pi/relay/state OFF", "ha-pi/relay/state ON", "ha-pi/relay/state OFF",
                        "ha-pi/relay/state ON"), echoes, Files.readString(dir.resolve("agent.log")));
                assertTrue(Files.readString(dir.resolve("agent.log")).contains("ignored command 'maybe'"));
            }

            broker.stop(); // the link stays down longer than safe-after (1 s)
            Thread.sleep(2_500);
            broker.start();
            try (MosquittoSubscriber state = MosquittoSubscriber.start(broker, "ha-pi/relay/state", 1, null)) {
                List<String> after = state.awaitMessages(2, TIMEOUT);
                assertTrue(after.contains("ha-pi/relay/state OFF"), "the safe state, echoed on reconnect: " + after);
            }
            String log = Files.readString(dir.resolve("agent.log"));
            assertTrue(log.contains("safe state"), log);
        }
    }
}
