package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.MappingFile;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionSettings;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the control plane puts in the control lane, ahead of the readings and out of the overflow policy's reach. */
class ControlPlaneTest {
    @TempDir
    Path dir;

    /**
     * A Pi that announced 41 sensors and now has one: the 41 clears (empty retained configs) are
     * discovery traffic too, so each needs a lane slot; none may wait behind the readings, where
     * drop-oldest or drop-newest could lose it and Home Assistant would keep 41 dead entities.
     */
    @Test
    void everyClearOfARemovedEntityGoesIntoTheLaneNotTheReadingQueue() throws Exception {
        Path stateFile = dir.resolve("ha-announced.txt");
        List<String> announced = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            announced.add("homeassistant/sensor/pi/old" + i + "/config");
        }
        announced.add("homeassistant/sensor/pi/" + "x".repeat(300) + "/config"); // longer than any message now
        Files.write(stateFile, announced, StandardCharsets.UTF_8);
        Path mapping = dir.resolve("mapping.properties");
        Files.write(mapping, List.of(
                "board = simulator",
                "mqtt.server = tcp://127.0.0.1:1",
                "mqtt.client-id = pi",
                "ha.discovery = true",
                "ha.state-file = " + stateFile,
                "sensor.temp.type = sim-sine",
                "sensor.temp.topic = pi/temp"), StandardCharsets.UTF_8);
        AgentConfig config = MappingFile.load(mapping);
        ManualClock clock = new ManualClock();
        MemoryQueue queue = new MemoryQueue(64 * 1024, 100, OverflowPolicy.DROP_OLDEST, 1024, clock);
        try (CapturedLog log = new CapturedLog();
                ControlPlane control = new ControlPlane(config, null, clock);
                MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:1", "pi").build(),
                        queue, p -> { }, clock)) {
            ControlLane lane = new ControlLane(control.laneSlots(), Math.max(256, control.maxMessageBytes())); // as the agent
            control.start(session, queue, lane);
            assertEquals(41 + 1, lane.size(), "41 clears and the one config");
            assertEquals(0, queue.counters().queuedMessages(), "nothing behind the readings");
            assertEquals(List.of(), log.containing("control lane full"));
        }
    }
}
