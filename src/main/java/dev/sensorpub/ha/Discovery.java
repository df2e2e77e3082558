package dev.sensorpub.ha;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.HaOverrides;
import dev.sensorpub.config.HaSettings;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Home Assistant MQTT discovery for one configuration: a retained config message per sensor
 * quantity and per output, built once at start, and the empty messages that remove entities
 * announced by an earlier run but no longer configured.
 *
 * <p>Ids: object id = sensor name ({@code door}), or sensor name + "_" + quantity for sensors
 * with several ({@code env_temperature}); output name for outputs. unique_id =
 * {@code sensorpub_<node-id>_<object-id>}; they stay the same across restarts and edits of
 * anything but the names.
 *
 * <p>expire_after: three times the longest a sensor may stay silent (its interval, or with a
 * deadband its max-silence), in whole seconds, at least {@value #MIN_EXPIRE_SECONDS} s, so a
 * reading or two lost to a slow bus does not flap the entity. No expiry when a deadband has no
 * max-silence: the sensor may rightly be silent for ever.
 */
public final class Discovery {
    static final long MIN_EXPIRE_SECONDS = 60;
    static final String MANUFACTURER = "sensorpub";

    private final List<DiscoveryMessage> configs;
    private final Set<String> topics;

    private Discovery(List<DiscoveryMessage> configs) {
        this.configs = List.copyOf(configs);
        Set<String> t = new LinkedHashSet<>();
        for (DiscoveryMessage m : configs) {
            t.add(m.topic().toString());
        }
        this.topics = Collections.unmodifiableSet(t);
    }

    /**
     * The discovery of {@code config}; empty when {@code ha.discovery} is off.
     *
     * @param swVersion the device's sw_version; null leaves it out
     */
    public static Discovery of(AgentConfig config, String swVersion) {
        HaSettings ha = config.ha();
        List<DiscoveryMessage> out = new ArrayList<>();
        if (!ha.discovery()) {
            return new Discovery(out);
        }
        JsonObject device = new JsonObject().strings("identifiers", "sensorpub_" + ha.nodeId())
                .string("name", ha.deviceName()).string("model", config.board().name())
                .string("manufacturer", MANUFACTURER);
        if (swVersion != null) {
            device.string("sw_version", swVersion);
        }
        String status = config.mqtt().statusTopic();
        for (SensorConfig s : config.sensors()) {
            if (!s.ha().enabled()) {
                continue;
            }
            List<String> quantities = s.type().topicSuffixes();
            List<String> stateTopics = s.topics();
            if (quantities.isEmpty()) {
                out.add(sensor(ha, s, null, stateTopics.get(0), status, device));
            } else {
                for (int i = 0; i < quantities.size(); i++) {
                    out.add(sensor(ha, s, quantities.get(i), stateTopics.get(i), status, device));
                }
            }
        }
        for (OutputConfig o : config.outputs()) {
            if (o.ha().enabled()) {
                out.add(output(ha, o, status, device));
            }
        }
        return new Discovery(out);
    }

    /** The config messages: publish at start and whenever Home Assistant says it is online. */
    public List<DiscoveryMessage> configs() {
        return configs;
    }

    /** The config topics of {@link #configs()}: what to remember with {@link AnnouncedEntities#save}. */
    public Set<String> topics() {
        return topics;
    }

    /** Empty retained messages for every topic announced before that this configuration no longer has. */
    public List<DiscoveryMessage> clearsFor(Set<String> previouslyAnnounced) {
        List<DiscoveryMessage> clears = new ArrayList<>();
        for (String topic : previouslyAnnounced) {
            if (!topics.contains(topic)) {
                clears.add(new DiscoveryMessage(Topic.name(topic), new byte[0]));
            }
        }
        return clears;
    }

    private static DiscoveryMessage sensor(HaSettings ha, SensorConfig s, String quantity, String stateTopic,
                                           String status, JsonObject device) {
        HaOverrides o = s.ha();
        String objectId = quantity == null ? s.name() : s.name() + "_" + quantity;
        String baseName = o.name() != null ? o.name() : s.name();
        String component = o.component() != null ? o.component() : SensorDefaults.component(s);
        boolean binary = component.equals("binary_sensor");
        boolean numeric = !s.type().digital();
        String unit = o.unit() != null ? o.unit()
                : numeric ? SensorDefaults.haUnit(SensorDefaults.unit(s, quantity == null ? "" : quantity)) : "";
        String deviceClass = o.deviceClass() != null ? o.deviceClass()
                : binary ? SensorDefaults.binaryClass(s.name())
                : numeric ? SensorDefaults.numericClass(s.type(), quantity == null ? "" : quantity, unit) : null;

        JsonObject json = new JsonObject()
                .string("name", quantity == null ? baseName : baseName + " " + quantity)
                .string("unique_id", uniqueId(ha, objectId))
                .string("state_topic", stateTopic);
        if (s.format() == SensorConfig.Format.JSON) {
            json.string("value_template", "{{ value_json.value }}");
        }
        if (deviceClass != null && !deviceClass.isEmpty()) {
            json.string("device_class", deviceClass);
        }
        if (!binary && !unit.isEmpty()) {
            json.string("unit_of_measurement", unit);
        }
        if (!binary && numeric) {
            json.string("state_class", "measurement");
        }
        if (binary) {
            SensorOptions.Digital d = s.options(SensorOptions.Digital.class);
            json.string("payload_on", d.onPayload()).string("payload_off", d.offPayload());
        }
        long expire = expireAfterSeconds(s);
        if (expire > 0) {
            json.number("expire_after", expire);
        }
        json.number("qos", s.qos());
        return message(ha, component, objectId, availability(json, status).object("device", device));
    }

    private static DiscoveryMessage output(HaSettings ha, OutputConfig o, String status, JsonObject device) {
        HaOverrides h = o.ha();
        JsonObject json = new JsonObject()
                .string("name", h.name() != null ? h.name() : o.name())
                .string("unique_id", uniqueId(ha, o.name()))
                .string("command_topic", o.commandTopic())
                .string("state_topic", o.stateTopic())
                .string("payload_on", o.onPayload())
                .string("payload_off", o.offPayload());
        if (h.deviceClass() != null && !h.deviceClass().isEmpty()) {
            json.string("device_class", h.deviceClass());
        }
        // Retained commands are ignored by the output (they would replay after every reconnect).
        json.bool("retain", false).number("qos", o.qos());
        return message(ha, "switch", o.name(), availability(json, status).object("device", device));
    }

    private static JsonObject availability(JsonObject json, String statusTopic) {
        if (statusTopic == null) {
            return json;
        }
        return json.string("availability_topic", statusTopic).string("payload_available", "online")
                .string("payload_not_available", "offline");
    }

    /** 0 when the entity should never expire. */
    static long expireAfterSeconds(SensorConfig s) {
        long override = s.ha().expireAfterMillis();
        if (override != HaOverrides.DERIVED) {
            return override / 1000;
        }
        long silence = s.deadband() > 0 ? s.maxSilenceMillis() : s.intervalMillis();
        if (silence <= 0) {
            return 0;
        }
        return Math.max(MIN_EXPIRE_SECONDS, (3 * silence + 999) / 1000);
    }

    private static String uniqueId(HaSettings ha, String objectId) {
        return "sensorpub_" + ha.nodeId() + "_" + objectId;
    }

    private static DiscoveryMessage message(HaSettings ha, String component, String objectId, JsonObject json) {
        Topic topic = Topic.name(ha.prefix() + "/" + component + "/" + ha.nodeId() + "/" + objectId + "/config");
        return new DiscoveryMessage(topic, json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
