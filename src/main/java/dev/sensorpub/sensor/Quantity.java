package dev.sensorpub.sensor;

/**
 * One thing a sensor measures, fixed when the sensor starts.
 *
 * @param name    topic suffix for multi-quantity sensors ("temperature")
 * @param unit    what the value is in ("C", "%RH", "hPa", "V"); empty when it has none
 * @param digital true when the value is 0 or 1 and published with on/off payloads
 */
public record Quantity(String name, String unit, boolean digital) {
    public static Quantity analog(String name, String unit) {
        return new Quantity(name, unit, false);
    }

    public static Quantity digital(String name) {
        return new Quantity(name, "", true);
    }
}
