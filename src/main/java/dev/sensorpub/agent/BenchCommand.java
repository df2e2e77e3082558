package dev.sensorpub.agent;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code sensorpub bench}: publishes synthetic messages through the real queue and session and
 * prints one {@code RESULT key=value ...} line, for people sizing their link and for
 * scripts/bench.sh. A warm-up run (a tenth of the count, at most 20,000) comes first. With
 * {@code --backlog N} a second line reports how fast N messages queued while offline drain
 * after the connection comes up, in the same run as the live figure above it.
 */
final class BenchCommand {
    private static final Set<String> KEYS = Set.of("--server", "--qos", "--count", "--size", "--window", "--topic",
            "--backlog");

    private BenchCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!KEYS.contains(args[i]) || i + 1 >= args.length) {
                err.println("bench: unknown or incomplete option '" + args[i] + "'; options: " + KEYS);
                return Main.BAD_CONFIG;
            }
            options.put(args[i], args[i + 1]);
        }
        String server = options.get("--server");
        if (server == null) {
            err.println("bench: --server tcp://host:port is required");
            return Main.BAD_CONFIG;
        }
        int qos;
        long count;
        int size;
        int window;
        try {
            qos = Integer.parseInt(options.getOrDefault("--qos", "1"));
            count = Long.parseLong(options.getOrDefault("--count", "100000"));
            size = Integer.parseInt(options.getOrDefault("--size", "32"));
            window = Integer.parseInt(options.getOrDefault("--window", "32"));
        } catch (NumberFormatException e) {
            err.println("bench: " + e.getMessage() + " is not a whole number");
            return Main.BAD_CONFIG;
        }
        if (qos < 0 || qos > 1 || count < 1 || size < 0 || size > 65_536 || window < 1 || window > 65_535) {
            err.println("bench: --qos 0|1, --count >= 1, --size 0..65536, --window 1..65535");
            return Main.BAD_CONFIG;
        }
        String topic = options.getOrDefault("--topic", "sensorpub/bench/topic/001");
        int backlog;
        try {
            backlog = Integer.parseInt(options.getOrDefault("--backlog", "0"));
        } catch (NumberFormatException e) {
            err.println("bench: --backlog " + e.getMessage() + " is not a whole number");
            return Main.BAD_CONFIG;
        }
        if (backlog < 0 || backlog > 10_000_000) {
            err.println("bench: --backlog 0..10000000 (messages queued offline, then drained)");
            return Main.BAD_CONFIG;
        }
        PublishBench bench = new PublishBench(server, topic, size, qos, window);
        try {
            if (!bench.connect(10_000)) {
                err.println("bench: could not connect to " + server + " within 10 s");
                return Main.FATAL;
            }
            long timeout = 60_000 + count / 10;
            bench.run(Math.min(20_000, Math.max(1, count / 10)), timeout);
            PublishBench.Result r = bench.run(count, timeout);
            out.println(format(r, size, window));
            if (backlog > 0) {
                PublishBench offline = new PublishBench(server, topic, size, qos, window, backlog);
                try {
                    out.println(format(offline.drainBacklog(backlog, 60_000 + backlog / 10), size, window)
                            .replace("RESULT client=sensorpub", "RESULT client=sensorpub mode=backlog"));
                } finally {
                    offline.close();
                }
            }
            return Main.OK;
        } catch (IllegalStateException e) {
            err.println("bench: " + e.getMessage());
            return Main.FATAL;
        } finally {
            bench.close();
        }
    }

    static String format(PublishBench.Result r, int size, int window) {
        String line = String.format(Locale.ROOT,
                "RESULT client=sensorpub qos=%d count=%d size=%d window=%d seconds=%.3f msgs_per_sec=%.0f",
                r.qos(), r.count(), size, window, r.nanos() / 1e9, r.messagesPerSecond());
        if (r.loopAllocatedBytes() >= 0) {
            line += String.format(Locale.ROOT, " loop_alloc_bytes_per_msg=%.2f all_alloc_bytes_per_msg=%.2f",
                    (double) r.loopAllocatedBytes() / r.count(), (double) r.allAllocatedBytes() / r.count());
        }
        if (r.qos() == 1 && r.p50Micros() >= 0) {
            line += " p50_us=" + r.p50Micros() + " p99_us=" + r.p99Micros() + " p999_us=" + r.p999Micros();
        }
        return line;
    }
}
