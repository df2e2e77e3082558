package dev.sensorpub.config;

import java.util.List;

/**
 * The {@code sensor.<name>.type} values. A type with several quantities publishes each to
 * {@code topic + "/" + quantity}; a digital type publishes its on/off payloads.
 */
public enum SensorType {
    GPIO_INPUT("gpio-input", true, "", 0, List.of(), List.of("pin", "pull", "inverted", "debounce", "on-payload", "off-payload")),
    DS18B20("ds18b20", false, "C", 2, List.of(), List.of("device")),
    BME280("bme280", false, "", 2, List.of("temperature", "humidity", "pressure"), List.of("bus", "address")),
    MCP3008("mcp3008", false, "", 3, List.of(), List.of("bus", "chip-select", "channel", "output", "reference-voltage")),
    DHT22("dht22", false, "", 1, List.of("temperature", "humidity"), List.of("name", "attempts")),
    CPU_TEMPERATURE("cpu-temperature", false, "C", 1, List.of(), List.of("zone")),
    SIM_COUNTER("sim-counter", false, "", 0, List.of(), List.of("start")),
    SIM_SINE("sim-sine", false, "", 3, List.of(), List.of("period", "amplitude", "center")),
    SIM_RANDOM_WALK("sim-random-walk", false, "", 2, List.of(), List.of("seed", "step", "start")),
    SIM_SWITCH("sim-switch", true, "", 0, List.of(), List.of("on-payload", "off-payload"));

    private final String key;
    private final boolean digital;
    private final String defaultUnit;
    private final int defaultDecimals;
    private final List<String> quantities;
    private final List<String> optionKeys;

    SensorType(String key, boolean digital, String defaultUnit, int defaultDecimals, List<String> quantities,
               List<String> optionKeys) {
        this.key = key;
        this.digital = digital;
        this.defaultUnit = defaultUnit;
        this.defaultDecimals = defaultDecimals;
        this.quantities = quantities;
        this.optionKeys = optionKeys;
    }

    /** The word used in the mapping file. */
    public String key() {
        return key;
    }

    public boolean digital() {
        return digital;
    }

    String defaultUnit() {
        return defaultUnit;
    }

    int defaultDecimals() {
        return defaultDecimals;
    }

    /** Topic suffixes of a multi-quantity type; empty when the type publishes one value to {@code topic}. */
    public List<String> topicSuffixes() {
        return quantities;
    }

    /** The type-specific keys after {@code sensor.<name>.}. */
    public List<String> optionKeys() {
        return optionKeys;
    }

    static SensorType fromKey(String key) {
        for (SensorType t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        return null;
    }

    static String allKeys() {
        StringBuilder sb = new StringBuilder();
        for (SensorType t : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.key);
        }
        return sb.toString();
    }
}
