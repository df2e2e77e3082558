package dev.sensorpub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An independent subscriber for integration tests: Debian's {@code mosquitto_sub}, so that what
 * arrives at the broker is judged by libmosquitto, not by our own decoder. Collects
 * {@code "topic payload"} lines.
 */
public final class MosquittoSubscriber implements AutoCloseable {
    public static final Path MOSQUITTO_SUB = Path.of("/usr/bin/mosquitto_sub");

    private final Process process;
    private final List<String> messages = new ArrayList<>();
    private boolean subscribed;
    private final Thread reader;

    private MosquittoSubscriber(List<String> command) throws IOException {
        if (!Files.isExecutable(MOSQUITTO_SUB)) {
            throw new IllegalStateException(MOSQUITTO_SUB + " is missing; install it with: "
                    + "sudo apt-get install -y mosquitto-clients (scripts/test.sh does this when run as root)");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(this::readLines, "mosquitto-sub-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Subscribes to {@code topicFilter} at {@code qos} and returns once the broker has granted it.
     * With a {@code clientId}, the session is persistent (clean session off).
     */
    public static MosquittoSubscriber start(MosquittoBroker broker, String topicFilter, int qos, String clientId)
            throws IOException, InterruptedException {
        // stdbuf: mosquitto_sub's protocol lines are block-buffered on a pipe, and we must see the SUBACK.
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", MOSQUITTO_SUB.toString(), "-h", broker.host(),
                "-p", String.valueOf(broker.port()), "-t", topicFilter, "-q", String.valueOf(qos), "-v", "-d"));
        if (clientId != null) {
            command.addAll(List.of("-i", clientId, "-c"));
        }
        MosquittoSubscriber s = new MosquittoSubscriber(command);
        try {
            s.awaitSubscribed(10_000);
        } catch (RuntimeException | InterruptedException e) {
            s.close(); // a subscriber that never got going must not outlive the test
            throw e;
        }
        return s;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    // -d prints protocol events as "Client ... sending/received ..." lines.
                    if (line.startsWith("Client ")) {
                        if (line.contains("received SUBACK")) {
                            subscribed = true;
                        }
                    } else if (!line.startsWith("Subscribed (mid:")) {
                        messages.add(line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private synchronized void awaitSubscribed(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!subscribed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !process.isAlive()) {
                throw new IllegalStateException("mosquitto_sub did not get a SUBACK within " + timeoutMillis
                        + " ms; output so far: " + messages);
            }
            wait(left);
        }
    }

    /** Waits until at least {@code count} messages arrived; returns a copy of all of them. */
    public synchronized List<String> awaitMessages(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (messages.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return new ArrayList<>(messages);
    }

    public synchronized List<String> messages() {
        return new ArrayList<>(messages);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5_000);
    }
}
