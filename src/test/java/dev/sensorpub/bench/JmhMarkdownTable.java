package dev.sensorpub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH CSV result file (run with {@code -prof gc}) into the Markdown table README shows:
 * one row per benchmark method and parameter set, with time, bytes allocated per operation, and
 * the time as a ratio to a baseline method measured in the same run.
 *
 * <p>Usage: {@code JmhMarkdownTable results.csv baselineMethod}
 */
public final class JmhMarkdownTable {
    private JmhMarkdownTable() {
    }

    /** One row of the table, keyed by "method [params]". */
    static final class Row {
        final String method;
        final String params;
        double score = Double.NaN;
        double error = Double.NaN;
        String unit = "";
        double bytesPerOp = Double.NaN;

        Row(String method, String params) {
            this.method = method;
            this.params = params;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: JmhMarkdownTable <jmh-results.csv> <baseline-method>");
            System.exit(2);
        }
        System.out.print(render(Files.readAllLines(Path.of(args[0])), args[1]));
    }

    static String render(List<String> csvLines, String baselineMethod) {
        List<String> header = parseCsvLine(csvLines.get(0));
        int benchmarkCol = header.indexOf("Benchmark");
        int scoreCol = header.indexOf("Score");
        int errorCol = header.indexOf("Score Error (99.9%)");
        int unitCol = header.indexOf("Unit");
        List<Integer> paramCols = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).startsWith("Param: ")) {
                paramCols.add(i);
            }
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : csvLines.subList(1, csvLines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = parseCsvLine(line);
            String benchmark = cells.get(benchmarkCol);
            String secondary = "";
            int colon = benchmark.indexOf(':');
            if (colon >= 0) {
                secondary = benchmark.substring(colon + 1);
                benchmark = benchmark.substring(0, colon);
            }
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            StringBuilder params = new StringBuilder();
            for (int col : paramCols) {
                params.append(params.length() == 0 ? "" : ", ")
                        .append(header.get(col).substring("Param: ".length())).append('=').append(cells.get(col));
            }
            Row row = rows.computeIfAbsent(method + " [" + params + "]", k -> new Row(method, params.toString()));
            double score = Double.parseDouble(cells.get(scoreCol));
            if (secondary.isEmpty()) {
                row.score = score;
                row.error = parseOrNaN(cells.get(errorCol));
                row.unit = cells.get(unitCol);
            } else if (secondary.endsWith("gc.alloc.rate.norm")) {
                row.bytesPerOp = score;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | params | time | B/op | time vs ").append(baselineMethod).append(" |\n");
        out.append("|---|---|---|---|---|\n");
        for (Row row : rows.values()) {
            Row baseline = rows.get(baselineMethod + " [" + row.params + "]");
            String ratio = baseline == null || Double.isNaN(baseline.score) ? "n/a"
                    : String.format(Locale.ROOT, "%.2fx", row.score / baseline.score);
            out.append(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f %s | %s | %s |%n", row.method, row.params,
                    row.score, row.error, row.unit,
                    Double.isNaN(row.bytesPerOp) ? "n/a" : String.format(Locale.ROOT, "%.0f", row.bytesPerOp), ratio));
        }
        return out.toString();
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** JMH quotes every text cell and never embeds quotes or commas in them. */
    static List<String> parseCsvLine(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.startsWith("\"") && cell.endsWith("\"") && cell.length() >= 2
                    ? cell.substring(1, cell.length() - 1) : cell);
        }
        return cells;
    }
}
