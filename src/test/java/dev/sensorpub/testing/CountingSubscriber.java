package dev.sensorpub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Debian's {@code mosquitto_sub} inside a {@link NetworkNamespace}, subscribed at QoS 2 to one topic
 * carrying a counter: every message is recorded in {@link Arrivals} with the time it arrived. QoS 2,
 * so the broker-to-subscriber leg adds no loss and no duplicate of its own.
 */
public final class CountingSubscriber {
    private static final long SUBSCRIBE_TIMEOUT_MILLIS = 15_000;

    private final Process process;
    private final String prefix;
    private final Arrivals arrivals = new Arrivals();
    private final StringBuilder protocolLines = new StringBuilder();
    private boolean subscribed;

    private CountingSubscriber(Process process, String topic) {
        this.process = process;
        this.prefix = topic + " ";
        Thread reader = new Thread(this::readLines, "lab-counting-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    /** Subscribes to {@code topic} on 127.0.0.1:{@code port} in {@code ns}; returns once the SUBACK came. */
    public static CountingSubscriber start(NetworkNamespace ns, int port, String topic, String clientId) {
        if (!java.nio.file.Files.isExecutable(MosquittoSubscriber.MOSQUITTO_SUB)) {
            throw new IllegalStateException(MosquittoSubscriber.MOSQUITTO_SUB + " is missing; install it with: "
                    + "apt-get install -y mosquitto-clients (scripts/test.sh does this when run as root)");
        }
        // stdbuf: on a pipe mosquitto_sub's lines would be block-buffered and arrive late.
        CountingSubscriber s = new CountingSubscriber(ns.startPiped(List.of("stdbuf", "-oL",
                MosquittoSubscriber.MOSQUITTO_SUB.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-i", clientId, "-t", topic, "-q", "2", "-v", "-d")), topic);
        s.awaitSubscribed();
        return s;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (line.startsWith(prefix)) {
                    String payload = line.substring(prefix.length()).strip();
                    try {
                        arrivals.record(Long.parseLong(payload), now);
                    } catch (NumberFormatException notACount) {
                        arrivals.recordMalformed(payload);
                    }
                } else {
                    synchronized (this) {
                        if (line.contains("received SUBACK")) {
                            subscribed = true;
                            notifyAll();
                        }
                        if (!subscribed && protocolLines.length() < 4_000) {
                            protocolLines.append(line).append('\n');
                        }
                    }
                }
            }
        } catch (IOException ignored) {
            // mosquitto_sub ended
        }
    }

    private synchronized void awaitSubscribed() {
        long deadline = System.nanoTime() + SUBSCRIBE_TIMEOUT_MILLIS * 1_000_000L;
        try {
            while (!subscribed) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("the lab's mosquitto_sub got no SUBACK within "
                            + SUBSCRIBE_TIMEOUT_MILLIS + " ms; its output:\n" + protocolLines);
                }
                wait(Math.min(left, 100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mosquitto_sub subscribed", e);
        }
    }

    public Arrivals arrivals() {
        return arrivals;
    }
}
