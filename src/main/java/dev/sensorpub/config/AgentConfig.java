package dev.sensorpub.config;

import java.nio.file.Path;
import java.util.List;

/** Everything the agent needs from a mapping file, validated as a whole. */
public record AgentConfig(Path source, BoardConfig board, MqttSettings mqtt, QueueSettings queue, LogSettings log,
                          List<SensorConfig> sensors, HaSettings ha, List<OutputConfig> outputs) {
    public AgentConfig {
        sensors = List.copyOf(sensors);
        outputs = List.copyOf(outputs);
    }
}
