package dev.sensorpub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the end-to-end runs that {@code scripts/bench.sh e2e} recorded into the Markdown tables
 * README shows, with each client's throughput as a ratio to {@code mosquitto_pub} and to the
 * best Paho run at the same QoS, all measured in the same invocation. Runs with the same label
 * are repeats: the row shows the median one (by msgs/s), the range, and the highest peak RSS.
 *
 * <p>Input, one run per line: a label, a tab, then space-separated {@code key=value} pairs, the
 * keys of the clients' {@code RESULT} lines plus those the script adds ({@code rss_kb},
 * {@code delivered}, {@code status=ok|failed}; start-up runs carry {@code kind=startup wall_ms runs}). A {@code note}
 * comes last and runs to the end of the line, so it may contain spaces.
 *
 * <p>Usage: {@code EndToEndTable runs.tsv}
 */
public final class EndToEndTable {
    static final String REFERENCE_CLIENT = "mosquitto_pub";
    static final String COMPARED_CLIENT = "paho";

    private EndToEndTable() {
    }

    /** One recorded run. */
    record Run(String label, Map<String, String> values) {
        String get(String key) {
            return values.getOrDefault(key, "");
        }

        boolean ok() {
            return get("status").equals("ok");
        }

        double number(String key) {
            try {
                return Double.parseDouble(get(key));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: EndToEndTable <runs.tsv>");
            System.exit(2);
        }
        System.out.print(render(parse(Files.readAllLines(Path.of(args[0])))));
    }

    static List<Run> parse(List<String> lines) {
        List<Run> runs = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("run line without a tab after its label: " + line);
            }
            Map<String, String> values = new LinkedHashMap<>();
            String rest = line.substring(tab + 1).trim();
            if (rest.startsWith("RESULT ")) {
                rest = rest.substring("RESULT ".length());
            }
            int note = rest.startsWith("note=") ? 0 : rest.indexOf(" note=");
            if (note >= 0) {
                values.put("note", rest.substring(rest.indexOf("note=", note) + "note=".length()).trim());
                rest = rest.substring(0, note);
            }
            for (String pair : rest.trim().split(" +")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(pair.substring(0, eq), pair.substring(eq + 1));
                } else if (!pair.isEmpty()) {
                    throw new IllegalArgumentException("'" + pair + "' is not key=value in: " + line);
                }
            }
            runs.add(new Run(line.substring(0, tab), values));
        }
        return runs;
    }

    static String render(List<Run> runs) {
        Map<String, List<Run>> byLabel = new LinkedHashMap<>();
        List<Run> startups = new ArrayList<>();
        for (Run run : runs) {
            if (run.get("kind").equals("startup")) {
                startups.add(run);
            } else {
                byLabel.computeIfAbsent(run.label(), k -> new ArrayList<>()).add(run);
            }
        }
        List<Run> medians = new ArrayList<>();
        for (List<Run> repeats : byLabel.values()) {
            medians.add(median(repeats));
        }
        StringBuilder out = new StringBuilder();
        out.append("| run | msgs/s (median) | min - max (runs) | vs mosquitto_pub | vs best Paho | seconds"
                + " | B/msg allocated (loop / all threads) | latency p50 / p99 / p99.9 (µs) | peak RSS (MB) | delivered |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<Run> repeats : byLabel.values()) {
            Run run = median(repeats);
            if (!run.ok()) {
                out.append("| ").append(run.label()).append(" | FAILED: ").append(run.get("note"))
                        .append(" | | | | | | | | |\n");
                continue;
            }
            double rate = run.number("msgs_per_sec");
            out.append("| ").append(run.label())
                    .append(" | ").append(format("%.0f", rate))
                    .append(" | ").append(range(repeats))
                    .append(" | ").append(ratio(rate, reference(medians, run.get("qos"))))
                    .append(" | ").append(ratio(rate, bestCompared(medians, run.get("qos"))))
                    .append(" | ").append(format("%.3f", run.number("seconds")))
                    .append(" | ").append(format("%.2f", run.number("loop_alloc_bytes_per_msg")))
                    .append(" / ").append(format("%.2f", run.number("all_alloc_bytes_per_msg")))
                    .append(" | ").append(latencies(run))
                    .append(" | ").append(format("%.1f", peak(repeats, "rss_kb") / 1024))
                    .append(" | ").append(run.get("delivered").isEmpty() ? "-" : run.get("delivered"))
                    .append(run.values().containsKey("note") ? " (" + run.get("note") + ")" : "")
                    .append(" |\n");
        }
        if (!startups.isEmpty()) {
            out.append("\n| start-up: `java -jar` to first PUBACK, whole process | wall ms (median) | runs |\n");
            out.append("|---|---|---|\n");
            for (Run run : startups) {
                out.append("| ").append(run.label()).append(" | ")
                        .append(run.ok() ? format("%.0f", run.number("wall_ms")) : "FAILED: " + run.get("note"))
                        .append(" | ").append(run.get("runs").isEmpty() ? "-" : run.get("runs")).append(" |\n");
            }
        }
        return out.toString();
    }

    /**
     * The run that stands for its repeats: the first failed one if any failed (a failure is never
     * hidden by a median), otherwise the one with the median rate (the lower middle for an even count).
     */
    static Run median(List<Run> repeats) {
        List<Run> sorted = new ArrayList<>();
        for (Run run : repeats) {
            if (!run.ok()) {
                return run;
            }
            sorted.add(run);
        }
        sorted.sort(Comparator.comparingDouble(run -> run.number("msgs_per_sec")));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String range(List<Run> repeats) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Run run : repeats) {
            min = Math.min(min, run.number("msgs_per_sec"));
            max = Math.max(max, run.number("msgs_per_sec"));
        }
        return String.format(Locale.ROOT, "%.0f - %.0f (%d)", min, max, repeats.size());
    }

    private static double peak(List<Run> repeats, String key) {
        double peak = Double.NaN;
        for (Run run : repeats) {
            double v = run.number(key);
            if (!Double.isNaN(v) && !(v <= peak)) {
                peak = v;
            }
        }
        return peak;
    }

    /** The first successful mosquitto_pub row at this QoS, NaN if none. */
    private static double reference(List<Run> medians, String qos) {
        for (Run run : medians) {
            if (run.ok() && run.get("client").equals(REFERENCE_CLIENT) && run.get("qos").equals(qos)) {
                return run.number("msgs_per_sec");
            }
        }
        return Double.NaN;
    }

    /** The fastest successful Paho row at this QoS (the hardest comparison), NaN if none. */
    private static double bestCompared(List<Run> medians, String qos) {
        double best = Double.NaN;
        for (Run run : medians) {
            if (run.ok() && run.get("client").equals(COMPARED_CLIENT) && run.get("qos").equals(qos)
                    && !(run.number("msgs_per_sec") <= best)) {
                best = run.number("msgs_per_sec");
            }
        }
        return best;
    }

    private static String latencies(Run run) {
        if (!run.values().containsKey("p50_us")) {
            return "-";
        }
        return run.get("p50_us") + " / " + run.get("p99_us") + " / " + run.get("p999_us");
    }

    private static String ratio(double value, double reference) {
        return Double.isNaN(value) || Double.isNaN(reference) || reference == 0 ? "n/a"
                : String.format(Locale.ROOT, "%.2fx", value / reference);
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, pattern, value);
    }
}
