package dev.sensorpub.linklab;

import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.LinkShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code scripts/bench.sh links}: the matrix (rates 8, 16, 64 kbit/s; full duplex and shared;
 * loss 0 and 5%; no outage and a 60 s one; QoS 0, 1, 2; 10 readings/s), each run in its own
 * namespace, several at a time, the agent started from the built jar. Prints a Markdown table.
 *
 * <pre>
 * java -cp ... dev.sensorpub.linklab.LinkMatrix --jar target/sensorpub.jar --out bench-results/links
 *     [--parallel 6] [--warmup 20] [--outage 60] [--drain-timeout 150] [--steady 40] [--rates 8,16,64] [--qos 0,1,2]
 *     [--loss 0,5] [--duplex full|shared|both] [--outage-only] [--window 32]
 * </pre>
 */
public final class LinkMatrix {
    private LinkMatrix() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path out = Path.of("bench-results", "links");
        int parallel = 6;
        long warmup = 20;
        long outage = 60;
        long drainTimeout = 150;
        long steady = 40;
        List<Integer> rates = List.of(8, 16, 64);
        List<Integer> qosLevels = List.of(0, 1, 2);
        List<Double> losses = List.of(0.0, 5.0);
        List<Boolean> sharedOptions = List.of(false, true);
        boolean outageOnly = false;
        int window = LinkScenario.INFLIGHT_WINDOW;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--jar" -> jar = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--parallel" -> parallel = Integer.parseInt(value);
                case "--warmup" -> warmup = Long.parseLong(value);
                case "--outage" -> outage = Long.parseLong(value);
                case "--drain-timeout" -> drainTimeout = Long.parseLong(value);
                case "--steady" -> steady = Long.parseLong(value);
                case "--rates" -> rates = ints(value);
                case "--qos" -> qosLevels = ints(value);
                case "--window" -> window = Integer.parseInt(value);
                case "--loss" -> losses = ints(value).stream().map(Integer::doubleValue).toList();
                case "--duplex" -> sharedOptions = "shared".equals(value) ? List.of(true)
                        : "full".equals(value) ? List.of(false) : List.of(false, true);
                case "--outage-only" -> {
                    outageOnly = true;
                    i--; // a flag without a value
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
            i++;
        }
        if (jar == null) {
            throw new IllegalArgumentException("--jar target/sensorpub.jar is required");
        }
        Path agentJar = jar;
        List<LinkScenario> cells = new ArrayList<>();
        for (int rate : rates) {
            for (boolean shared : sharedOptions) {
                for (double loss : losses) {
                    for (long out0 : outageOnly ? List.of(outage) : List.of(0L, outage)) {
                        for (int qos : qosLevels) {
                            LinkShape shape = (shared ? LinkShape.sharedMedium(rate) : LinkShape.fullDuplex(rate))
                                    .withLoss(loss);
                            // Without an outage the run lasts as long as warm-up plus outage would have.
                            cells.add(out0 == 0
                                    ? new LinkScenario(shape, qos, warmup * 1000, 0, 0, (outage + steady / 2) * 1000,
                                            window)
                                    : new LinkScenario(shape, qos, warmup * 1000, out0 * 1000, drainTimeout * 1000,
                                            steady / 4 * 1000, window));
                        }
                    }
                }
            }
        }
        Files.createDirectories(out);
        LinkTable.markdown(List.of()); // loaded now: a rebuild during the run cannot swap it under us
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<LinkResult>> futures = new ArrayList<>();
        // The long runs (with an outage) first, so the last wave is short.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> -cells.get(i).outageMillis()));
        List<Future<LinkResult>> byIndex = new ArrayList<>(java.util.Collections.nCopies(cells.size(), null));
        Path outDir = out;
        for (int i : order) {
            LinkScenario s = cells.get(i);
            Path dir = outDir.resolve(String.format(Locale.ROOT, "run-%02d", i + 1));
            byIndex.set(i, pool.submit(() -> runOne(s, agentJar, dir, start)));
        }
        futures.addAll(byIndex);
        pool.shutdown();
        List<LinkResult> results = new ArrayList<>();
        for (Future<LinkResult> f : futures) {
            results.add(f.get());
        }
        long minutes = Math.round((System.nanoTime() - start) / 60e9);
        System.out.println("Command: scripts/bench.sh links (" + cells.size() + " runs, " + parallel + " at a time, "
                + minutes + " min). Each run: its own network namespace, loopback shaped by tc htb (MTU 1500,"
                + " queue of " + LinkShape.DEFAULT_QUEUE_MILLIS / 1000 + " s at the link rate), loss by iptables"
                + " statistic, outage by iptables DROP both ways; mosquitto 2.0.11 inside; the agent"
                + " (java -jar sensorpub.jar, keep alive " + LinkScenario.KEEP_ALIVE_SECONDS + " s, window "
                + window + ") publishes a counter every " + LinkScenario.READING_INTERVAL_MILLIS
                + " ms; mosquitto_sub (QoS 2, unshaped port) counts. Phases: " + warmup + " s warm-up, " + outage
                + " s outage, drain and catch-up with live readings (at most " + drainTimeout + " s) then " + steady / 4 + " s, or "
                + (outage + steady / 2) + " s without outage. Drain: from the first CONNECT after the outage until"
                + " every reading taken before it arrived; caught up: until at most " + LinkResult.BEHIND_ALLOWED
                + " readings taken since had not. Lost: readings that never arrived although a later"
                + " one did; behind: readings taken after the last that arrived, still queued when the agent"
                + " stopped (SIGTERM, 5 s drain). Uplink use = MQTT bytes sent uplink meanwhile"
                + " (iptables counters, less 52 header bytes a packet) / (link rate x time + the shaper's"
                + " 3 KB bucket).");
        System.out.println();
        System.out.print(LinkTable.markdown(results));
    }

    private static LinkResult runOne(LinkScenario s, Path jar, Path dir, long start) {
        LinkResult r;
        try {
            r = LinkRun.run(s, mapping -> AgentCommand.fromJar(jar, mapping.toString()), dir);
        } catch (Exception e) {
            r = new LinkResult(s, -1, -1, -1, 0, 0, 0, 0, -1, -1, Double.NaN, "the lab failed: " + e.getMessage());
        }
        System.err.printf(Locale.ROOT, "[%4.0f s] %s%n", (System.nanoTime() - start) / 1e9, r.summary());
        return r;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String part : csv.split(",")) {
            values.add(Integer.parseInt(part.strip()));
        }
        return values;
    }
}
