package dev.sensorpub.config;

/**
 * The {@code sensor.<name>.ha.*} and {@code output.<name>.ha.*} keys. Null means "the type's
 * default"; an empty device class, unit or state class means "none".
 *
 * @param enabled           false: never announced, and cleared if it was announced before
 * @param component         {@code sensor} or {@code binary_sensor}; null for outputs (always {@code switch})
 * @param expireAfterMillis -1: derived from the interval; 0: never expires
 * @param stateClass        measurement, total or total_increasing (sensors only)
 * @param icon              an icon such as {@code mdi:thermometer}; null: the device class's
 * @param entityCategory    {@code diagnostic} (or {@code config}, outputs only); null: a primary entity
 */
public record HaOverrides(boolean enabled, String component, String deviceClass, String unit, String name,
                          long expireAfterMillis, String stateClass, String icon, String entityCategory) {
    public static final long DERIVED = -1;

    public static HaOverrides defaults() {
        return new HaOverrides(true, null, null, null, null, DERIVED, null, null, null);
    }
}
