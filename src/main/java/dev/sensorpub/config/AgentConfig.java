package dev.sensorpub.config;

import dev.sensorpub.log.LogSettings;
import dev.sensorpub.queue.QueueSettings;
import java.nio.file.Path;
import java.util.List;

/** Everything the agent needs from a mapping file, validated as a whole. */
public record AgentConfig(Path source, BoardConfig board, MqttSettings mqtt, QueueSettings queue, LogSettings log,
                          long statusIntervalMillis, List<SensorConfig> sensors, HaSettings ha,
                          List<OutputConfig> outputs) {
    public AgentConfig {
        sensors = List.copyOf(sensors);
        outputs = List.copyOf(outputs);
    }
}
