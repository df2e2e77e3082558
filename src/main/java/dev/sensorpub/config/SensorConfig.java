package dev.sensorpub.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code sensor.<name>.*} block, validated. Durations in milliseconds. {@code unit} is null
 * when the driver's own unit applies. Type-specific keys are in {@code options}, already
 * checked and normalised (numbers in decimal, durations in milliseconds), so the typed getters
 * cannot fail for a key the type declares.
 *
 * @param topic          the expanded topic; a multi-quantity sensor publishes to {@code topic/<quantity>}
 * @param deadband       publish only when the value moved more than this (0 = every reading)
 * @param maxSilenceMillis publish at least this often even inside the deadband (0 = no limit)
 * @param maxAgeMillis   readings older than this are dropped from the queue (0 = never)
 * @param ha             the {@code sensor.<name>.ha.*} overrides for Home Assistant discovery
 */
public record SensorConfig(String name, SensorType type, String topic, int qos, boolean retain, long intervalMillis,
                           Format format, int decimals, double scale, double offset, double deadband,
                           long maxSilenceMillis, long maxAgeMillis, String unit, Map<String, String> options,
                           HaOverrides ha) {

    public enum Format { PLAIN, JSON }

    public SensorConfig {
        options = Map.copyOf(options);
    }

    /** A sensor with Home Assistant's defaults (for code that builds configs by hand). */
    public SensorConfig(String name, SensorType type, String topic, int qos, boolean retain, long intervalMillis,
                        Format format, int decimals, double scale, double offset, double deadband,
                        long maxSilenceMillis, long maxAgeMillis, String unit, Map<String, String> options) {
        this(name, type, topic, qos, retain, intervalMillis, format, decimals, scale, offset, deadband,
                maxSilenceMillis, maxAgeMillis, unit, options, HaOverrides.defaults());
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

    /** The option's value, or null when it was not set and has no default. */
    public String option(String key) {
        checkDeclared(key);
        return options.get(key);
    }

    public long longOption(String key, long fallback) {
        String v = option(key);
        return v == null ? fallback : Long.parseLong(v);
    }

    public int intOption(String key, int fallback) {
        return (int) longOption(key, fallback);
    }

    public double doubleOption(String key, double fallback) {
        String v = option(key);
        return v == null ? fallback : Double.parseDouble(v);
    }

    public boolean boolOption(String key, boolean fallback) {
        String v = option(key);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }

    private void checkDeclared(String key) {
        if (!type.optionKeys().contains(key)) {
            throw new IllegalArgumentException(type.key() + " has no option '" + key + "'");
        }
    }
}
