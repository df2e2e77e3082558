package dev.sensorpub.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Home Assistant's own lists, so --check rejects what Home Assistant would reject: the device
 * classes of each component, the units each sensor device class accepts, and the state classes
 * each allows. Taken from Home Assistant core (homeassistant/components/sensor/const.py:
 * DEVICE_CLASS_UNITS and DEVICE_CLASS_STATE_CLASSES; binary_sensor's and switch's device class
 * enums; homeassistant/const.py for the unit spellings).
 */
final class HaVocabulary {
    static final List<String> STATE_CLASSES = List.of("measurement", "total", "total_increasing");
    /** Home Assistant's MQTT sensors and binary sensors refuse "config": they configure nothing. */
    static final List<String> ENTITY_CATEGORIES = List.of("config", "diagnostic");

    static final Set<String> BINARY_SENSOR_CLASSES = new TreeSet<>(List.of("battery", "battery_charging",
            "carbon_monoxide", "cold", "connectivity", "door", "garage_door", "gas", "heat", "light", "lock",
            "moisture", "motion", "moving", "occupancy", "opening", "plug", "power", "presence", "problem",
            "running", "safety", "smoke", "sound", "tamper", "update", "vibration", "window"));
    static final Set<String> SWITCH_CLASSES = new TreeSet<>(List.of("outlet", "switch"));
    /** Sensor classes whose state is a date, a word or a time: never a sensorpub number. */
    static final Set<String> NON_NUMERIC_SENSOR_CLASSES = Set.of("date", "enum", "timestamp");

    /** "" in a unit set: the class takes no unit. {@link #ANY_UNIT}: the class takes any (currencies). */
    static final String ANY_UNIT = "*";
    private static final Map<String, Set<String>> UNITS = new LinkedHashMap<>();
    private static final Map<String, Set<String>> STATE_CLASSES_OF = new LinkedHashMap<>();

    private static final Set<String> M = Set.of("measurement");
    private static final Set<String> ALL = Set.copyOf(STATE_CLASSES);
    private static final Set<String> TOTALS = Set.of("total", "total_increasing");
    private static final Set<String> NONE = Set.of();

    private static final Set<String> PRESSURE = Set.of("Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg",
            "psi");
    private static final Set<String> ENERGY = Set.of("J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh",
            "cal", "kcal", "Mcal", "Gcal");
    private static final Set<String> LENGTH = Set.of("mm", "cm", "m", "km", "in", "ft", "yd", "mi");
    private static final Set<String> VOLUME = Set.of("ft³", "CCF", "m³", "L", "mL", "gal", "fl. oz.");
    private static final Set<String> SPEED = Set.of("Beaufort", "ft/s", "m/s", "km/h", "kn", "mph", "mm/s", "in/s");
    private static final Set<String> FLUX = Set.of("in/d", "in/h", "mm/d", "mm/h");
    private static final Set<String> TEMPERATURE = Set.of("°C", "°F", "K");
    private static final Set<String> MICROGRAMS_PER_M3 = Set.of("µg/m³");

    static {
        sensor("apparent_power", Set.of("VA"), M);
        sensor("aqi", Set.of(""), M);
        sensor("area", Set.of("m²", "cm²", "km²", "mm²", "in²", "ft²", "yd²", "mi²", "ac", "ha"), ALL);
        sensor("atmospheric_pressure", PRESSURE, M);
        sensor("battery", Set.of("%"), M);
        sensor("blood_glucose_concentration", Set.of("mg/dL", "mmol/L"), M);
        sensor("carbon_monoxide", Set.of("ppm"), M);
        sensor("carbon_dioxide", Set.of("ppm"), M);
        sensor("conductivity", Set.of("S/cm", "mS/cm", "µS/cm"), M);
        sensor("current", Set.of("A", "mA"), M);
        sensor("data_rate", Set.of("bit/s", "kbit/s", "Mbit/s", "Gbit/s", "B/s", "kB/s", "MB/s", "GB/s", "KiB/s",
                "MiB/s", "GiB/s"), M);
        sensor("data_size", Set.of("bit", "kbit", "Mbit", "Gbit", "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB",
                "YB", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"), ALL);
        sensor("date", Set.of(""), NONE);
        sensor("distance", LENGTH, ALL);
        sensor("duration", Set.of("d", "h", "min", "s", "ms"), ALL);
        sensor("energy", ENERGY, TOTALS);
        sensor("energy_distance", Set.of("kWh/100km", "mi/kWh", "km/kWh"), M);
        sensor("energy_storage", ENERGY, M);
        sensor("enum", Set.of(""), NONE);
        sensor("frequency", Set.of("Hz", "kHz", "MHz", "GHz"), M);
        sensor("gas", Set.of("m³", "ft³", "CCF"), TOTALS);
        sensor("humidity", Set.of("%"), M);
        sensor("illuminance", Set.of("lx"), M);
        sensor("irradiance", Set.of("W/m²", "BTU/(h⋅ft²)"), M);
        sensor("moisture", Set.of("%"), M);
        sensor("monetary", Set.of(ANY_UNIT), Set.of("total"));
        sensor("nitrogen_dioxide", MICROGRAMS_PER_M3, M);
        sensor("nitrogen_monoxide", MICROGRAMS_PER_M3, M);
        sensor("nitrous_oxide", MICROGRAMS_PER_M3, M);
        sensor("ozone", MICROGRAMS_PER_M3, M);
        sensor("ph", Set.of(""), M);
        sensor("pm1", MICROGRAMS_PER_M3, M);
        sensor("pm10", MICROGRAMS_PER_M3, M);
        sensor("pm25", MICROGRAMS_PER_M3, M);
        sensor("power_factor", Set.of("%", ""), M);
        sensor("power", Set.of("W", "kW", "MW", "GW", "TW"), M);
        sensor("precipitation", Set.of("cm", "mm", "in"), ALL);
        sensor("precipitation_intensity", FLUX, M);
        sensor("pressure", PRESSURE, M);
        sensor("reactive_power", Set.of("var"), M);
        sensor("signal_strength", Set.of("dB", "dBm"), M);
        sensor("sound_pressure", Set.of("dB", "dBA"), M);
        Set<String> speed = new TreeSet<>(SPEED);
        speed.addAll(FLUX);
        sensor("speed", speed, M);
        sensor("sulphur_dioxide", MICROGRAMS_PER_M3, M);
        sensor("temperature", TEMPERATURE, M);
        sensor("temperature_delta", TEMPERATURE, M);
        sensor("timestamp", Set.of(""), NONE);
        sensor("volatile_organic_compounds", MICROGRAMS_PER_M3, M);
        sensor("volatile_organic_compounds_parts", Set.of("ppm", "ppb"), M);
        sensor("voltage", Set.of("V", "mV", "µV", "kV", "MV"), M);
        sensor("volume", VOLUME, TOTALS);
        sensor("volume_flow_rate", Set.of("m³/h", "ft³/min", "L/min", "gal/min", "mL/s"), M);
        sensor("volume_storage", VOLUME, M);
        sensor("water", Set.of("CCF", "ft³", "m³", "gal", "L"), TOTALS);
        sensor("weight", Set.of("g", "kg", "mg", "µg", "oz", "lb", "st"), ALL);
        sensor("wind_direction", Set.of("°"), NONE);
        sensor("wind_speed", Set.of("Beaufort", "ft/s", "m/s", "km/h", "kn", "mph"), M);
    }

    private HaVocabulary() {
    }

    private static void sensor(String deviceClass, Set<String> units, Set<String> stateClasses) {
        UNITS.put(deviceClass, units);
        STATE_CLASSES_OF.put(deviceClass, stateClasses);
    }

    static Set<String> sensorClasses() {
        return new TreeSet<>(UNITS.keySet());
    }

    /** The device classes a component takes. */
    static Set<String> classesOf(String component) {
        return switch (component) {
            case "binary_sensor" -> BINARY_SENSOR_CLASSES;
            case "switch" -> SWITCH_CLASSES;
            default -> sensorClasses();
        };
    }

    /** True when a sensor of {@code deviceClass} may show {@code unit} ("" for none). */
    static boolean unitFits(String deviceClass, String unit) {
        Set<String> units = UNITS.get(deviceClass);
        // Home Assistant spells micro with U+00B5; U+03BC looks the same, so both are taken.
        return units.contains(ANY_UNIT) || units.contains(unit) || units.contains(unit.replace('\u03bc', '\u00b5'));
    }

    /** The units a class takes, for an error message ("none" for the unit-less ones). */
    static String unitsOf(String deviceClass) {
        Set<String> units = new TreeSet<>(UNITS.get(deviceClass));
        if (units.remove("")) {
            units.add("none");
        }
        return String.join(", ", units);
    }

    static Set<String> stateClassesOf(String deviceClass) {
        return STATE_CLASSES_OF.get(deviceClass);
    }
}
