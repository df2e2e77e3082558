package dev.sensorpub.config;

import dev.sensorpub.log.LogSettings;
import dev.sensorpub.queue.QueueSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Everything the agent needs from a mapping file, validated as a whole. */
public record AgentConfig(Path source, BoardConfig board, MqttSettings mqtt, QueueSettings queue, LogSettings log,
                          long statusIntervalMillis, List<SensorConfig> sensors, HaSettings ha,
                          List<OutputConfig> outputs) {
    public AgentConfig {
        sensors = List.copyOf(sensors);
        outputs = List.copyOf(outputs);
    }

    /**
     * Advice that is no error: said once, when the agent starts and by {@code --check}. A broker
     * may discard a retained QoS 0 message instead of storing it (MQTT 3.1.1, 3.3.1.3; Moquette
     * does): the readings still arrive, but a later subscriber finds nothing retained.
     */
    public List<String> notes() {
        List<String> names = new ArrayList<>();
        for (SensorConfig s : sensors) {
            if (s.retain() && s.qos() == 0) {
                names.add(s.name());
            }
        }
        if (names.isEmpty()) {
            return List.of();
        }
        return List.of((names.size() == 1 ? "sensor " : "sensors ") + String.join(", ", names)
                + ": retained at QoS 0, which a broker may discard; use qos 1 to keep it");
    }
}
