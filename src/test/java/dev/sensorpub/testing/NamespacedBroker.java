package dev.sensorpub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real mosquitto inside a {@link NetworkNamespace} with two listeners on 127.0.0.1: the client
 * port (shaped by the lab) and an observer port (left alone, for a counting subscriber). Its log is
 * read as it is written, so connects are timed when they happen.
 */
public final class NamespacedBroker {
    private static final Pattern CONNECTED = Pattern.compile("New client connected from \\S+ as (\\S+) ");
    private static final long START_TIMEOUT_MILLIS = 15_000;
    private static final int MAX_LOG_LINES = 20_000;

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final List<Connect> connects = new ArrayList<>();
    private boolean running;

    /** One accepted CONNECT: the client and when the broker logged it (System.nanoTime). */
    public record Connect(String clientId, long nanos) {
    }

    private NamespacedBroker(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readLog, "lab-mosquitto-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts mosquitto in {@code ns} and returns once it says it is running. */
    public static NamespacedBroker start(NetworkNamespace ns, Path dir, int clientPort, int observerPort) {
        MosquittoBroker.requireInstalled(MosquittoBroker.MOSQUITTO);
        Path conf = dir.resolve("mosquitto.conf");
        String config = String.join("\n",
                "user " + System.getProperty("user.name"), // as root it would switch to 'mosquitto'
                "per_listener_settings false",
                "allow_anonymous true",
                "persistence false",
                "max_queued_messages 100000", // never the broker's queue limit in a count
                "log_dest stderr",
                "log_type error", "log_type warning", "log_type notice", "log_type information",
                "connection_messages true",
                "listener " + clientPort + " 127.0.0.1",
                "listener " + observerPort + " 127.0.0.1", "");
        try {
            Files.writeString(conf, config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + conf + ": " + e, e);
        }
        NamespacedBroker broker = new NamespacedBroker(
                ns.startPiped(List.of(MosquittoBroker.MOSQUITTO.toString(), "-c", conf.toString())));
        broker.awaitRunning();
        return broker;
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (this) {
                    if (log.size() < MAX_LOG_LINES) {
                        log.add(line);
                    }
                    Matcher m = CONNECTED.matcher(line);
                    if (m.find()) {
                        connects.add(new Connect(m.group(1), now));
                    }
                    if (line.contains(" running")) {
                        running = true;
                    }
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // mosquitto ended
        }
    }

    private synchronized void awaitRunning() {
        long deadline = System.nanoTime() + START_TIMEOUT_MILLIS * 1_000_000L;
        try {
            while (!running) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("mosquitto did not start in the lab's namespace within "
                            + START_TIMEOUT_MILLIS + " ms; log:\n" + String.join("\n", log));
                }
                wait(Math.min(left, 100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mosquitto started", e);
        }
    }

    /** When {@code clientId} connected, in order. */
    public synchronized List<Long> connectsOf(String clientId) {
        List<Long> times = new ArrayList<>();
        for (Connect c : connects) {
            if (c.clientId().equals(clientId)) {
                times.add(c.nanos());
            }
        }
        return times;
    }

    public synchronized String log() {
        return String.join("\n", log);
    }

    public Process process() {
        return process;
    }
}
