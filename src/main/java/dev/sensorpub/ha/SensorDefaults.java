package dev.sensorpub.ha;

import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
import dev.sensorpub.config.SensorType;
import java.util.Locale;

/**
 * What a sensor quantity is for Home Assistant when the mapping file says nothing: component,
 * device class and unit. Units are translated to the spelling Home Assistant's device classes
 * accept ("C" is "°C", "%RH" is "%"); a device class is only given when the unit fits it, since
 * Home Assistant rejects, say, a temperature in volts.
 */
final class SensorDefaults {
    private SensorDefaults() {
    }

    static String component(SensorConfig s) {
        return s.type().digital() ? "binary_sensor" : "sensor";
    }

    /** The quantity's unit as sensorpub publishes it; empty when none. */
    static String unit(SensorConfig s, String quantity) {
        switch (s.type()) {
            case BME280:
            case DHT22:
                return switch (quantity) {
                    case "temperature" -> "C";
                    case "humidity" -> "%RH";
                    default -> "hPa";
                };
            case MCP3008:
                return s.unit() != null ? s.unit() : s.options(SensorOptions.Mcp3008.class).volts() ? "V" : "";
            default:
                return s.unit() == null ? "" : s.unit();
        }
    }

    /** Home Assistant's spelling of a sensorpub unit. */
    static String haUnit(String unit) {
        return switch (unit) {
            case "C" -> "°C";
            case "F" -> "°F";
            case "%RH" -> "%";
            default -> unit;
        };
    }

    /** The device class for a numeric quantity with Home Assistant unit {@code haUnit}; null when none fits. */
    static String numericClass(SensorType type, String quantity, String haUnit) {
        boolean temperature = quantity.equals("temperature") || type == SensorType.DS18B20
                || type == SensorType.CPU_TEMPERATURE;
        if (temperature) {
            return haUnit.equals("°C") || haUnit.equals("°F") || haUnit.equals("K") ? "temperature" : null;
        }
        if (quantity.equals("humidity")) {
            return haUnit.equals("%") ? "humidity" : null;
        }
        if (quantity.equals("pressure")) {
            return haUnit.equals("hPa") || haUnit.equals("Pa") || haUnit.equals("kPa") ? "pressure" : null;
        }
        if (type == SensorType.MCP3008) {
            return haUnit.equals("V") || haUnit.equals("mV") ? "voltage" : null;
        }
        return null;
    }

    /**
     * A digital input's class guessed from its name, since a GPIO pin cannot say what is wired to
     * it: "garage-door" is a door, "hall_pir" a motion sensor. Null when the name gives no hint.
     */
    static String binaryClass(String sensorName) {
        String n = sensorName.toLowerCase(Locale.ROOT);
        if (n.contains("door")) {
            return "door";
        }
        if (n.contains("window")) {
            return "window";
        }
        if (n.contains("motion") || n.contains("pir")) {
            return "motion";
        }
        if (n.contains("leak") || n.contains("water")) {
            return "moisture";
        }
        if (n.contains("smoke")) {
            return "smoke";
        }
        return null;
    }
}
