package dev.sensorpub.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every Home Assistant entity the configuration announces against Home Assistant's own
 * rules ({@link HaVocabulary}), so that --check rejects what Home Assistant would reject or
 * silently drop: an unknown or misplaced device class, a unit the class does not take, a state
 * class the class does not allow, an icon or entity category Home Assistant refuses, and two
 * entities on one discovery topic (the second would overwrite the first).
 */
final class HaChecks {
    private HaChecks() {
    }

    static void check(KeyReader r, HaSettings ha, List<SensorConfig> sensors, List<OutputConfig> outputs) {
        Map<String, String> topicOwner = new HashMap<>();
        for (SensorConfig s : sensors) {
            for (HaEntity e : HaEntity.of(s)) {
                checkSensor(r, s.ha(), s.type(), e);
                if (s.ha().enabled()) {
                    claimTopic(r, ha, e, topicOwner);
                }
            }
        }
        for (OutputConfig o : outputs) {
            HaEntity e = HaEntity.of(o);
            checkDeviceClass(r, e, o.ha().deviceClass() != null, "output");
            checkIconAndCategory(r, e);
            if (o.ha().enabled()) {
                claimTopic(r, ha, e, topicOwner);
            }
        }
    }

    private static void checkSensor(KeyReader r, HaOverrides o, SensorType type, HaEntity e) {
        String p = e.owner();
        boolean binary = e.component().equals("binary_sensor");
        boolean classOk = checkDeviceClass(r, e, o.deviceClass() != null, type.key());
        checkIconAndCategory(r, e);
        if (o.stateClass() != null && !o.stateClass().isEmpty()) {
            if (binary || type.digital()) {
                r.problem(p + "ha.state-class", "a binary_sensor has no state class; remove it");
                return;
            }
            if (!HaVocabulary.STATE_CLASSES.contains(o.stateClass())) {
                String near = DidYouMean.closest(o.stateClass(), HaVocabulary.STATE_CLASSES);
                r.problem(p + "ha.state-class", "'" + o.stateClass() + "' is not a state class; "
                        + (near == null ? "" : "did you mean '" + near + "'? ") + "use one of "
                        + String.join(", ", HaVocabulary.STATE_CLASSES));
                return;
            }
        }
        if (binary || e.deviceClass() == null || !classOk) {
            return;
        }
        String dc = e.deviceClass();
        if (!HaVocabulary.unitFits(dc, e.unit())) {
            String key = o.unit() != null ? "ha.unit" : o.deviceClass() != null ? "ha.device-class" : "unit";
            r.problem(p + key, "unit " + (e.unit().isEmpty() ? "(none)" : "'" + e.unit() + "'")
                    + (e.quantity() == null ? "" : " of " + e.quantity()) + " does not fit device class " + dc
                    + ", which takes " + HaVocabulary.unitsOf(dc) + "; set ha.unit to one of them or choose another "
                    + "ha.device-class");
        }
        Set<String> allowed = HaVocabulary.stateClassesOf(dc);
        if (e.stateClass() != null && !allowed.contains(e.stateClass())) {
            r.problem(p + "ha.state-class", "device class " + dc + (allowed.isEmpty() ? " takes no state class; "
                    + "set ha.state-class to empty" : " takes " + String.join(" or ", sorted(allowed)) + ", not "
                    + e.stateClass()));
        } else if (e.stateClass() == null && o.stateClass() == null && !allowed.isEmpty()) {
            r.problem(p + "ha.device-class", "device class " + dc + " needs a state class of "
                    + String.join(" or ", sorted(allowed)) + " for long-term statistics; set ha.state-class "
                    + "(total_increasing for a meter that only counts up)");
        }
    }

    /** False when the device class is unusable (already reported). */
    private static boolean checkDeviceClass(KeyReader r, HaEntity e, boolean overridden, String what) {
        String dc = e.deviceClass();
        if (dc == null || !overridden) {
            return true;
        }
        String key = e.owner() + "ha.device-class";
        Set<String> own = HaVocabulary.classesOf(e.component());
        if (own.contains(dc)) {
            if (e.component().equals("sensor") && HaVocabulary.NON_NUMERIC_SENSOR_CLASSES.contains(dc)) {
                r.problem(key, "device class " + dc + " is for text states; " + what + " publishes numbers");
                return false;
            }
            return true;
        }
        for (String other : List.of("sensor", "binary_sensor", "switch")) {
            if (!other.equals(e.component()) && HaVocabulary.classesOf(other).contains(dc)) {
                r.problem(key, "'" + dc + "' is a " + other + " device class, and this is announced as a "
                        + e.component() + (e.component().equals("sensor") ? " (" + what + " publishes numbers)" : "")
                        + "; use a " + e.component() + " class" + hint(dc, own));
                return false;
            }
        }
        r.problem(key, "'" + dc + "' is not a Home Assistant " + e.component() + " device class" + hint(dc, own));
        return false;
    }

    private static String hint(String dc, Set<String> classes) {
        String near = DidYouMean.closest(dc, classes);
        if (near != null) {
            return "; did you mean '" + near + "'?";
        }
        return classes.size() <= 30 ? " (" + String.join(", ", classes) + ")"
                : " (listed at https://www.home-assistant.io/integrations/sensor/#device-class)";
    }

    private static void checkIconAndCategory(KeyReader r, HaEntity e) {
        if (e.icon() != null && !e.icon().matches("[a-z0-9_-]+:[a-z0-9_-]+")) {
            r.problem(e.owner() + "ha.icon", "'" + e.icon() + "' is not an icon; write prefix:name, e.g. mdi:thermometer");
        }
        String category = e.entityCategory();
        if (category == null) {
            return;
        }
        if (!HaVocabulary.ENTITY_CATEGORIES.contains(category)) {
            r.problem(e.owner() + "ha.entity-category", "'" + category + "' is not an entity category; use "
                    + (e.component().equals("switch") ? "config or diagnostic" : "diagnostic"));
        } else if (category.equals("config") && !e.component().equals("switch")) {
            r.problem(e.owner() + "ha.entity-category", "a " + e.component() + " cannot be config (it changes "
                    + "nothing); use diagnostic");
        }
    }

    private static void claimTopic(KeyReader r, HaSettings ha, HaEntity e, Map<String, String> owners) {
        if (!ha.discovery() || ha.nodeId() == null) {
            return;
        }
        String who = e.owner().substring(0, e.owner().length() - 1) + (e.quantity() == null ? "" : " (" + e.quantity()
                + ")");
        String previous = owners.putIfAbsent(e.discoveryTopic(ha), who);
        if (previous != null) {
            r.problem(e.owner() + "type", "its Home Assistant entity " + e.discoveryTopic(ha) + " is already "
                    + "announced by " + previous + ", and would overwrite it; rename one, or set ha.enabled = false "
                    + "on one");
        }
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
