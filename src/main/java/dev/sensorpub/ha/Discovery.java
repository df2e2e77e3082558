package dev.sensorpub.ha;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.HaEntity;
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
 * <p>The fields of each entity (ids, component, device class, unit, state class) come from
 * config's {@link HaEntity}, which --check validates: what is announced is what was checked.
 * Object id = sensor name ({@code door}), or sensor name + "_" + quantity for sensors with several
 * ({@code env_temperature}); output name for outputs. unique_id = {@code sensorpub_<node-id>_<object-id>};
 * they stay the same across restarts and edits of anything but the names.
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
            List<HaEntity> entities = HaEntity.of(s);
            List<String> stateTopics = s.topics();
            for (int i = 0; i < entities.size(); i++) {
                out.add(sensor(ha, s, entities.get(i), stateTopics.get(i), status, device));
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

    private static DiscoveryMessage sensor(HaSettings ha, SensorConfig s, HaEntity e, String stateTopic,
                                           String status, JsonObject device) {
        boolean binary = e.component().equals("binary_sensor");
        JsonObject json = new JsonObject()
                .string("name", e.name())
                .string("unique_id", e.uniqueId(ha))
                .string("state_topic", stateTopic);
        if (s.format() == SensorConfig.Format.JSON) {
            json.string("value_template", "{{ value_json.value }}");
        }
        common(json, e);
        if (!e.unit().isEmpty()) {
            json.string("unit_of_measurement", e.unit());
        }
        if (e.stateClass() != null) {
            json.string("state_class", e.stateClass());
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
        return message(ha, e, availability(json, status).object("device", device));
    }

    private static DiscoveryMessage output(HaSettings ha, OutputConfig o, String status, JsonObject device) {
        HaEntity e = HaEntity.of(o);
        JsonObject json = new JsonObject()
                .string("name", e.name())
                .string("unique_id", e.uniqueId(ha))
                .string("command_topic", o.commandTopic())
                .string("state_topic", o.stateTopic())
                .string("payload_on", o.onPayload())
                .string("payload_off", o.offPayload());
        common(json, e);
        // Retained commands are ignored by the output (they would replay after every reconnect).
        json.bool("retain", false).number("qos", o.qos());
        return message(ha, e, availability(json, status).object("device", device));
    }

    /** The fields every component shares, each only when set. */
    private static void common(JsonObject json, HaEntity e) {
        if (e.deviceClass() != null) {
            json.string("device_class", e.deviceClass());
        }
        if (e.icon() != null) {
            json.string("icon", e.icon());
        }
        if (e.entityCategory() != null) {
            json.string("entity_category", e.entityCategory());
        }
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

    private static DiscoveryMessage message(HaSettings ha, HaEntity e, JsonObject json) {
        return new DiscoveryMessage(Topic.name(e.discoveryTopic(ha)), json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
