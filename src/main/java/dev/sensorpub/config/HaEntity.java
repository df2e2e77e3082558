package dev.sensorpub.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One Home Assistant entity as it will be announced: a sensor quantity or an output, with the
 * overrides applied and the defaults filled in. Derived here, from the configuration alone, so
 * that --check validates exactly the fields the discovery messages carry.
 *
 * <p>Defaults: a digital type is a binary_sensor, anything else a sensor. Units are spelt the way
 * Home Assistant's device classes take them ("C" is "°C", "%RH" is "%"); a device class is only
 * derived when the unit fits it; the state class is measurement unless the device class takes
 * none or only totals (energy must say total or total_increasing itself).
 *
 * @param owner       the mapping-file block, "sensor.env." or "output.pump."
 * @param quantity    "temperature" for one of a multi-quantity sensor; null otherwise
 * @param objectId    the object id in the discovery topic and unique_id
 * @param deviceClass null: none
 * @param unit        "": none
 * @param stateClass  null: none
 * @param icon        null: the device class's
 * @param entityCategory null: a primary entity
 */
public record HaEntity(String owner, String component, String quantity, String objectId, String name,
                       String deviceClass, String unit, String stateClass, String icon, String entityCategory) {

    /** The retained config topic: {@code <prefix>/<component>/<node-id>/<object-id>/config}. */
    public String discoveryTopic(HaSettings ha) {
        return ha.prefix() + "/" + component + "/" + ha.nodeId() + "/" + objectId + "/config";
    }

    public String uniqueId(HaSettings ha) {
        return "sensorpub_" + ha.nodeId() + "_" + objectId;
    }

    /** One entity per quantity, in the order of {@link SensorConfig#topics()}. */
    public static List<HaEntity> of(SensorConfig s) {
        List<HaEntity> out = new ArrayList<>();
        if (s.type().topicSuffixes().isEmpty()) {
            out.add(sensor(s, null));
        } else {
            for (String quantity : s.type().topicSuffixes()) {
                out.add(sensor(s, quantity));
            }
        }
        return out;
    }

    public static HaEntity of(OutputConfig o) {
        HaOverrides h = o.ha();
        return new HaEntity("output." + o.name() + ".", "switch", null, o.name(), h.name() != null ? h.name() : o.name(),
                emptyAsNull(h.deviceClass()), "", null, h.icon(), h.entityCategory());
    }

    private static HaEntity sensor(SensorConfig s, String quantity) {
        HaOverrides o = s.ha();
        String q = quantity == null ? "" : quantity;
        String baseName = o.name() != null ? o.name() : s.name();
        String component = o.component() != null ? o.component() : s.type().digital() ? "binary_sensor" : "sensor";
        boolean binary = component.equals("binary_sensor");
        boolean numeric = !s.type().digital();
        String unit = o.unit() != null ? o.unit() : numeric ? haUnit(publishedUnit(s, q)) : "";
        String deviceClass = o.deviceClass() != null ? emptyAsNull(o.deviceClass())
                : binary ? binaryClass(s.name()) : numeric ? numericClass(s.type(), q, unit) : null;
        String stateClass = null;
        if (!binary && numeric) {
            stateClass = o.stateClass() != null ? emptyAsNull(o.stateClass()) : derivedStateClass(deviceClass);
        }
        return new HaEntity("sensor." + s.name() + ".", component, quantity,
                quantity == null ? s.name() : s.name() + "_" + quantity,
                quantity == null ? baseName : baseName + " " + quantity, deviceClass, binary ? "" : unit, stateClass,
                o.icon(), o.entityCategory());
    }

    /** measurement where the class takes it; none where it takes none or only totals (checked). */
    private static String derivedStateClass(String deviceClass) {
        if (deviceClass == null || !HaVocabulary.sensorClasses().contains(deviceClass)) {
            return "measurement";
        }
        return HaVocabulary.stateClassesOf(deviceClass).contains("measurement") ? "measurement" : null;
    }

    private static String emptyAsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The quantity's unit as sensorpub publishes it; empty when none. */
    private static String publishedUnit(SensorConfig s, String quantity) {
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
    private static String haUnit(String unit) {
        return switch (unit) {
            case "C" -> "°C";
            case "F" -> "°F";
            case "%RH" -> "%";
            default -> unit;
        };
    }

    /** The device class for a numeric quantity with Home Assistant unit {@code haUnit}; null when none fits. */
    private static String numericClass(SensorType type, String quantity, String haUnit) {
        boolean temperature = quantity.equals("temperature") || type == SensorType.DS18B20
                || type == SensorType.CPU_TEMPERATURE;
        String candidate = temperature ? "temperature" : quantity.equals("humidity") ? "humidity"
                : quantity.equals("pressure") ? "pressure" : type == SensorType.MCP3008 ? "voltage" : null;
        return candidate != null && !haUnit.isEmpty() && HaVocabulary.unitFits(candidate, haUnit) ? candidate : null;
    }

    /**
     * A digital input's class guessed from its name, since a GPIO pin cannot say what is wired to
     * it: "garage-door" is a door, "hall_pir" a motion sensor. Null when the name gives no hint.
     */
    private static String binaryClass(String sensorName) {
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
