package dev.sensorpub.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Reads typed values from a properties file and records every problem as "key: reason"
 * instead of stopping at the first. A value that has a problem reads as its default so the
 * rest of the file is still checked. Remembers which keys were known, so whatever is left
 * over can be reported as unknown with a did-you-mean.
 */
final class KeyReader {
    private final Map<String, String> values;
    private final Map<String, Integer> lines;
    private final List<String> problems;
    private final Set<String> knownKeys = new LinkedHashSet<>();
    private final Set<String> secretKeys = new LinkedHashSet<>();

    KeyReader(Map<String, String> values, List<String> problems) {
        this(values, Map.of(), problems);
    }

    /** @param lines the line each key is on, so a report can point at it */
    KeyReader(Map<String, String> values, Map<String, Integer> lines, List<String> problems) {
        this.values = new TreeMap<>(values);
        this.lines = lines;
        this.problems = problems;
    }

    /**
     * Reports "line N: key: reason". A key the file does not have (a missing or defaulted one)
     * points at its block's {@code type} line; a top-level key the file lacks has no line.
     */
    void problem(String key, String reason) {
        Integer line = lines.get(key);
        int blockEnd = key.indexOf('.', key.indexOf('.') + 1);
        if (line == null && blockEnd > 0) {
            line = lines.get(key.substring(0, blockEnd + 1) + "type");
        }
        String problem = (line == null ? "" : "line " + line + ": ") + key + ": " + reason;
        if (!problems.contains(problem)) { // one key shared by several quantities is said once
            problems.add(problem);
        }
    }

    /** Marks a key as one whose value must never appear in a report. */
    void secret(String key) {
        secretKeys.add(key);
    }

    boolean has(String key) {
        knownKeys.add(key);
        return values.containsKey(key);
    }

    /** The trimmed value, or {@code fallback} when absent. */
    String string(String key, String fallback) {
        knownKeys.add(key);
        String v = values.get(key);
        return v == null ? fallback : v;
    }

    String required(String key, String meaning) {
        String v = string(key, null);
        if (v == null || v.isEmpty()) {
            problem(key, "missing; " + meaning);
            return null;
        }
        return v;
    }

    long integer(String key, long fallback, long min, long max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            problem(key, show(key, v) + " is not a whole number");
            return fallback;
        }
        return inRange(key, v, parsed, fallback, min, max);
    }

    double decimal(String key, double fallback, double min, double max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            parsed = Double.NaN;
        }
        if (!Double.isFinite(parsed) || v.endsWith("d") || v.endsWith("f") || v.endsWith("D") || v.endsWith("F")) {
            problem(key, show(key, v) + " is not a number");
            return fallback;
        }
        if (parsed < min || parsed > max) {
            problem(key, show(key, v) + " is out of range " + plain(min) + " to " + plain(max));
            return fallback;
        }
        return parsed;
    }

    long durationMillis(String key, long fallback, long min, long max) {
        return withUnit(key, fallback, min, max, Units::parseDurationMillis, millis(min) + " to " + millis(max));
    }

    long sizeBytes(String key, long fallback, long min, long max) {
        return withUnit(key, fallback, min, max, Units::parseSizeBytes, min + " to " + max + " bytes");
    }

    /** A value parsed by {@code parser} (which explains its own syntax errors), then range-checked. */
    private long withUnit(String key, long fallback, long min, long max, ToLongFunction<String> parser, String range) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = parser.applyAsLong(v);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return fallback;
        }
        if (parsed < min || parsed > max) {
            problem(key, show(key, v) + " is out of range " + range);
            return fallback;
        }
        return parsed;
    }

    boolean bool(String key, boolean fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default:
                problem(key, show(key, v) + " is not one of true, yes, on, false, no, off (any case)");
                return fallback;
        }
    }

    /** One of a fixed set of words; reports the allowed ones. */
    String choice(String key, String fallback, String... allowed) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        problem(key, show(key, v) + " is not one of " + String.join(", ", allowed));
        return fallback;
    }

    /** Keys present in the file under {@code prefix} (e.g. "sensor."), in sorted order. */
    List<String> keysUnder(String prefix) {
        List<String> out = new ArrayList<>();
        for (String k : values.keySet()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Reports every key that no reader asked for, with the closest known key if one is near. */
    void reportUnknown(Set<String> candidates) {
        for (String key : values.keySet()) {
            if (!knownKeys.contains(key)) {
                String suggestion = DidYouMean.closest(key, candidates);
                problem(key, "unknown key" + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
            }
        }
    }

    Set<String> knownKeys() {
        return knownKeys;
    }

    String show(String key, String value) {
        return secretKeys.contains(key) ? "the value" : "'" + value + "'";
    }

    private long inRange(String key, String text, long parsed, long fallback, long min, long max) {
        if (parsed < min || parsed > max) {
            problem(key, show(key, text) + " is out of range " + min + " to " + max);
            return fallback;
        }
        return parsed;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String millis(long ms) {
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0 && ms != 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
