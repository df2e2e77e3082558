package dev.sensorpub.linklab;

import dev.sensorpub.testing.Arrivals;
import dev.sensorpub.testing.LinkLab;
import dev.sensorpub.testing.ShapedLoopback;
import dev.sensorpub.testing.ShapedLoopback.LinkCounters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one {@link LinkScenario} in its own {@link LinkLab} and counts what arrived. The drain is
 * timed from the first CONNECT the broker accepted after the outage until every reading taken
 * before that connect has arrived; the uplink's MQTT bytes come from the lab's iptables counters
 * (from the end of the outage, when nothing is in flight, until after the last backlog arrival)
 * and are set against what the shaper could pass in the drain's time. After the drain it waits,
 * within the same bound, until the agent has caught up with what it takes live (readings taken
 * meanwhile wait behind the backlog): a run is stopped to count it, and what is still queued at
 * the stop is gone with the memory queue, so it must not be the stop's timing that decides it.
 */
public final class LinkRun {
    private static final long FIRST_ARRIVAL_TIMEOUT_MILLIS = 60_000;
    private static final long STRAGGLER_MILLIS = 5_000;
    private static final long POLL_MILLIS = 50;
    private static final long INTERVAL_NANOS = LinkScenario.READING_INTERVAL_MILLIS * 1_000_000L;
    private static final Pattern PRODUCED = Pattern.compile("sensor beat: (\\d+) readings");

    private LinkRun() {
    }

    /**
     * @param agentCommand the agent's command line for a mapping file (test classpath or jar)
     * @param dir          where the mapping, mosquitto's config and the agent's log go
     */
    public static LinkResult run(LinkScenario s, Function<Path, List<String>> agentCommand, Path dir)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path mapping = dir.resolve("mapping.properties");
        Files.write(mapping, s.mapping(), StandardCharsets.UTF_8);
        try (LinkLab lab = LinkLab.open(s.shape(), LinkScenario.TOPIC, dir)) {
            startCapture(lab, dir);
            lab.startAgent(agentCommand.apply(mapping));
            Arrivals arrivals = lab.arrivals();
            StringBuilder note = new StringBuilder();
            long backlog = 0;
            long drainMillis = -1;
            long caughtUpMillis = -1;
            double use = Double.NaN;
            if (!awaitFirstArrival(lab)) {
                note.append("no reading arrived within ").append(FIRST_ARRIVAL_TIMEOUT_MILLIS / 1000).append(" s");
            } else {
                Thread.sleep(s.warmupMillis());
                if (s.outageMillis() > 0) {
                    Drain drain = outageAndDrain(s, lab);
                    backlog = drain.backlog;
                    drainMillis = drain.millis;
                    caughtUpMillis = drain.caughtUpMillis;
                    use = drain.uplinkUse;
                    note.append(drain.note);
                }
                Thread.sleep(s.steadyMillis());
            }
            int exit = lab.stopAgent();
            if (Boolean.getBoolean("linklab.capture")) {
                Files.writeString(dir.resolve("broker.log"), lab.brokerLog(), StandardCharsets.UTF_8);
            }
            long produced = produced(lab.agentLog());
            if (produced >= 0) {
                arrivals.awaitPrefix((int) produced, STRAGGLER_MILLIS);
            } else {
                append(note, "the agent did not say how many readings it took (exit " + exit + ")");
            }
            if (exit != 0 && produced >= 0) {
                append(note, "agent exit " + exit);
            }
            if (arrivals.malformed() > 0) {
                append(note, arrivals.malformed() + " payloads not a count, first '" + arrivals.firstMalformed() + "'");
            }
            // A gap below the highest arrival is lost; readings after it were still queued at the stop.
            long delivered = Math.min(produced, arrivals.highest() + 1);
            return new LinkResult(s, produced, produced < 0 ? -1 : arrivals.missingBelow(delivered),
                    produced < 0 ? -1 : produced - delivered, arrivals.duplicates(), arrivals.outOfOrder(), lab.connectsOf(LinkScenario.CLIENT_ID).size(),
                    backlog, drainMillis, caughtUpMillis, use, note.toString());
        }
    }

    /**
     * With {@code -Dlinklab.capture=true}: a tcpdump of the shaped port (capture.pcap) and the
     * kernel's view of the agent's socket every 100 ms (ss.log: unacknowledged bytes, RTO,
     * retransmissions), to explain a run afterwards; mosquitto's log goes to broker.log when the
     * agent has stopped. The capture stops when the lab closes.
     */
    private static void startCapture(LinkLab lab, Path dir) {
        if (!Boolean.getBoolean("linklab.capture")) {
            return;
        }
        lab.namespace().start(List.of("tcpdump", "-i", "lo", "-U", "-s", "0", "-w",
                dir.resolve("capture.pcap").toString(), "tcp", "port", String.valueOf(LinkLab.BROKER_PORT)),
                dir.resolve("tcpdump.log"));
        lab.namespace().start(List.of("sh", "-c", "while :; do date +%s.%N; ss -tinoH dport = :"
                + LinkLab.BROKER_PORT + "; sleep 0.1; done"), dir.resolve("ss.log"));
    }

    private static boolean awaitFirstArrival(LinkLab lab) throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_ARRIVAL_TIMEOUT_MILLIS * 1_000_000L;
        while (lab.arrivals().distinct() == 0) {
            if (System.nanoTime() > deadline || !lab.agentAlive()) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private record Drain(long backlog, long millis, long caughtUpMillis, double uplinkUse, String note) {
    }

    private static Drain outageAndDrain(LinkScenario s, LinkLab lab) throws InterruptedException {
        Arrivals arrivals = lab.arrivals();
        int deliveredBefore = arrivals.prefix();
        lab.blackHole(true);
        Thread.sleep(s.outageMillis());
        lab.blackHole(false);
        long holeEnd = System.nanoTime();
        // Nothing crosses the hole, and a reconnect carries no MQTT bytes before its CONNECT: counting
        // from here counts the drain's bytes without racing the connect.
        LinkCounters atHoleEnd = lab.counters();
        long deadline = holeEnd + s.drainTimeoutMillis() * 1_000_000L;
        long base = arrivals.productionStartNanos(INTERVAL_NANOS);

        // The drain starts at the first CONNECT after the outage; if the old connection survived, at once.
        long start = -1;
        while (System.nanoTime() < deadline) {
            long connect = firstAfter(lab.connectsOf(LinkScenario.CLIENT_ID), holeEnd);
            if (connect >= 0) {
                start = connect;
                break;
            }
            if (arrivals.prefix() >= takenBefore(holeEnd, base)) {
                start = holeEnd;
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        if (start < 0) {
            return new Drain(takenBefore(holeEnd, base) - deliveredBefore, -1, -1, Double.NaN, "no connect within "
                    + s.drainTimeoutMillis() / 1000 + " s after the outage");
        }
        int taken = takenBefore(start, base);
        long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        long end = arrivals.awaitPrefix(taken, left);
        // After the last backlog arrival only live readings (150 B/s) cross until this read.
        long bytes = lab.counters().minus(atHoleEnd).upPayloadBytes();
        long stop = end < 0 ? System.nanoTime() : end;
        double use = bytes / ShapedLoopback.capacityBytes(s.shape().upKbit(), Math.max(1, stop - start) / 1e9);
        int backlog = taken - deliveredBefore;
        if (end < 0) {
            return new Drain(backlog, -1, -1, use, "backlog not in after " + s.drainTimeoutMillis() / 1000
                    + " s; all in below " + arrivals.prefix());
        }
        long caughtUp = awaitCaughtUp(lab, base, deadline);
        return new Drain(backlog, Math.max(0, (end - start) / 1_000_000L),
                caughtUp < 0 ? -1 : Math.max(0, (caughtUp - start) / 1_000_000L), use, caughtUp < 0
                        ? "not caught up " + s.drainTimeoutMillis() / 1000 + " s after the outage; all in below "
                                + arrivals.prefix() : "");
    }

    /**
     * Waits until every reading taken more than {@link LinkResult#BEHIND_ALLOWED} readings ago has
     * arrived; returns when, or -1 at {@code deadline} or once the agent is gone.
     */
    private static long awaitCaughtUp(LinkLab lab, long base, long deadline) throws InterruptedException {
        Arrivals arrivals = lab.arrivals();
        while (true) {
            long now = System.nanoTime();
            if (arrivals.prefix() >= takenBefore(now, base) - LinkResult.BEHIND_ALLOWED) {
                return now;
            }
            if (now > deadline || !lab.agentAlive()) {
                return -1;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Readings the agent had taken by {@code nanos}: one per interval from the estimated start. */
    private static int takenBefore(long nanos, long base) {
        return base == Long.MIN_VALUE ? 0 : (int) Math.max(0, (nanos - base) / INTERVAL_NANOS + 1);
    }

    private static long firstAfter(List<Long> times, long after) {
        for (long t : times) {
            if (t > after) {
                return t;
            }
        }
        return -1;
    }

    /** The agent's own count of readings, from the line it logs when it stops. */
    static long produced(String agentLog) {
        Matcher m = PRODUCED.matcher(agentLog);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static void append(StringBuilder note, String text) {
        note.append(note.length() == 0 ? "" : "; ").append(text);
    }
}
