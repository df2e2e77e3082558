package dev.sensorpub.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code sensor.<name>.*} block, validated. Durations in milliseconds. {@code unit} is null
 * when the driver's own unit applies. The type-specific keys are in {@code options}, typed and
 * defaulted by config (see {@link SensorOptions}), so no driver parses or defaults anything.
 *
 * @param topic          the expanded topic; a multi-quantity sensor publishes to {@code topic/<quantity>}
 * @param deadband       publish only when the value moved more than this (0 = every reading)
 * @param maxSilenceMillis publish at least this often even inside the deadband (0 = no limit)
 * @param maxAgeMillis   readings older than this are dropped from the queue (0 = never)
 * @param options        the record of {@code type}'s options ({@link SensorOptions.SimSine} for sim-sine, ...)
 * @param ha             the {@code sensor.<name>.ha.*} overrides for Home Assistant discovery
 */
public record SensorConfig(String name, SensorType type, String topic, int qos, boolean retain, long intervalMillis,
                           Format format, int decimals, double scale, double offset, double deadband,
                           long maxSilenceMillis, long maxAgeMillis, String unit, SensorOptions options,
                           HaOverrides ha) {

    public enum Format { PLAIN, JSON }

    /**
     * A sensor with Home Assistant's defaults, for code that builds configs by hand. {@code options}
     * are spelt as in a mapping file ("period" = "2s") and read by the file's own reader.
     *
     * @throws IllegalArgumentException listing what is wrong with {@code options}
     */
    public SensorConfig(String name, SensorType type, String topic, int qos, boolean retain, long intervalMillis,
                        Format format, int decimals, double scale, double offset, double deadband,
                        long maxSilenceMillis, long maxAgeMillis, String unit, Map<String, String> options) {
        this(name, type, topic, qos, retain, intervalMillis, format, decimals, scale, offset, deadband,
                maxSilenceMillis, maxAgeMillis, unit, read(type, options), HaOverrides.defaults());
    }

    private static SensorOptions read(SensorType type, Map<String, String> options) {
        List<String> problems = new ArrayList<>();
        KeyReader r = new KeyReader(options, problems);
        SensorOptions read = SensorOptionsReader.read(r, "", type, null);
        r.reportUnknown(Set.copyOf(type.optionKeys()));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return read;
    }

    /** Every topic this sensor publishes to, in quantity order. */
    public List<String> topics() {
        if (type.topicSuffixes().isEmpty()) {
            return List.of(topic);
        }
        List<String> out = new ArrayList<>();
        for (String suffix : type.topicSuffixes()) {
            out.add(topic + "/" + suffix);
        }
        return out;
    }

    /**
     * The options as the record of this sensor's type.
     *
     * @throws IllegalArgumentException when {@code kind} is not this type's record (a wiring mistake)
     */
    public <T extends SensorOptions> T options(Class<T> kind) {
        if (!kind.isInstance(options)) {
            throw new IllegalArgumentException(type.key() + " has no " + kind.getSimpleName() + " options");
        }
        return kind.cast(options);
    }
}
