package dev.sensorpub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto for integration tests: own config, own free loopback port(s), own log file, stopped
 * on {@link #close()} and at JVM exit. {@link #stop()} then {@link #start()} restarts it on the same
 * ports with the same persistence file, for persistent-session tests.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.builder().user("pi", "secret").allowAnonymous(false).start()) {
 *     connect to broker.url() ...
 * }
 * }</pre>
 *
 * Never skips: when mosquitto is missing the test fails with the command that installs it.
 */
public final class MosquittoBroker implements AutoCloseable {
    public static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    public static final Path MOSQUITTO_PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    public static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_MILLIS = 10_000;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final Path directory;
    private final Path configFile;
    private final Path logFile;
    private final int port;
    private final int tlsPort;
    private final Thread shutdownHook;
    private Process process;

    private MosquittoBroker(Builder builder) throws IOException {
        requireInstalled(MOSQUITTO);
        this.directory = Files.createTempDirectory("mosquitto-test-");
        this.configFile = directory.resolve("mosquitto.conf");
        this.logFile = directory.resolve("mosquitto.log");
        this.port = freePort();
        this.tlsPort = builder.tls == null ? -1 : freePort();
        Files.writeString(configFile, config(builder), StandardCharsets.UTF_8);
        this.shutdownHook = new Thread(this::stopQuietly, "mosquitto-stopper-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker with the defaults: one plain listener, anonymous allowed, no persistence. */
    public static MosquittoBroker startDefault() {
        return builder().start();
    }

    private String config(Builder builder) throws IOException {
        StringBuilder conf = new StringBuilder();
        // As root mosquitto would switch to user "mosquitto", who cannot write our temp directory.
        conf.append("user ").append(System.getProperty("user.name")).append('\n');
        conf.append("per_listener_settings false\n");
        conf.append("log_dest stderr\n");
        conf.append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        if (builder.debugLog) {
            conf.append("log_type debug\n");
        }
        conf.append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n");
        conf.append("connection_messages true\n");
        conf.append("allow_anonymous ").append(builder.allowAnonymous).append('\n');
        if (!builder.users.isEmpty()) {
            conf.append("password_file ").append(passwordFile(builder.users)).append('\n');
        }
        conf.append("persistence ").append(builder.persistence).append('\n');
        if (builder.persistence) {
            conf.append("persistence_location ").append(directory).append("/\n");
            conf.append("autosave_interval 0\n"); // saved on shutdown; a stop() keeps everything
        }
        if (builder.maxQueuedMessages >= 0) {
            conf.append("max_queued_messages ").append(builder.maxQueuedMessages).append('\n');
        }
        conf.append("listener ").append(port).append(' ').append(HOST).append('\n');
        if (builder.tls != null) {
            Tls tls = builder.tls;
            conf.append("listener ").append(tlsPort).append(' ').append(HOST).append('\n');
            conf.append("cafile ").append(tls.caFile).append('\n');
            conf.append("certfile ").append(tls.certFile).append('\n');
            conf.append("keyfile ").append(tls.keyFile).append('\n');
            conf.append("require_certificate ").append(tls.requireCertificate).append('\n');
        }
        for (String line : builder.extraLines) {
            conf.append(line).append('\n');
        }
        return conf.toString();
    }

    private Path passwordFile(Map<String, String> users) throws IOException {
        requireInstalled(MOSQUITTO_PASSWD);
        Path file = directory.resolve("passwords");
        boolean first = true;
        for (Map.Entry<String, String> user : users.entrySet()) {
            List<String> command = new ArrayList<>(List.of(MOSQUITTO_PASSWD.toString(), "-b"));
            if (first) {
                command.add("-c");
            }
            command.addAll(List.of(file.toString(), user.getKey(), user.getValue()));
            run(command, "mosquitto_passwd for user '" + user.getKey() + "'");
            first = false;
        }
        return file;
    }

    private static void run(List<String> command, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + "): "
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static void requireInstalled(Path program) {
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException(program + " is not installed; the integration tests need a real broker."
                    + " Install it with: apt-get install -y mosquitto (or run scripts/require-tools.sh mosquitto)");
        }
    }

    /** Picks a port the kernel says is free now; mosquitto binds it a moment later. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        }
    }

    /** Starts (or restarts) mosquitto and returns once its plain port accepts connections. */
    public synchronized MosquittoBroker start() {
        if (isRunning()) {
            throw new IllegalStateException("mosquitto on port " + port + " is already running");
        }
        try {
            process = new ProcessBuilder(MOSQUITTO.toString(), "-c", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + MOSQUITTO, e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (!(accepts(port) && (tlsPort < 0 || accepts(tlsPort)))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with code " + process.exitValue()
                        + " while starting; config " + configFile + "; log:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                stopQuietly();
                throw new IllegalStateException("mosquitto did not accept connections on " + HOST + ":" + port
                        + " within " + START_TIMEOUT_MILLIS + " ms; log:\n" + log());
            }
            sleep(20);
        }
        return this;
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Stops mosquitto gracefully (SIGTERM), which also writes its persistence file. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                throw new IllegalStateException("mosquitto on port " + port + " ignored SIGTERM for "
                        + STOP_TIMEOUT_MILLIS + " ms and was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            process = null;
        }
        waitUntilPortFree();
    }

    /** Kills mosquitto with SIGKILL: no persistence write, no will messages, like a power cut. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process = null;
        }
        waitUntilPortFree();
    }

    private void waitUntilPortFree() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
        while (accepts(port) && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // Called at JVM exit or after a failed start: nothing useful to report then.
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String host() {
        return HOST;
    }

    /** The plain MQTT port; the same across restarts. */
    public int port() {
        return port;
    }

    /** The TLS port; only when the builder configured TLS. */
    public int tlsPort() {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker has no TLS listener; use builder().tls(...)");
        }
        return tlsPort;
    }

    /** {@code tcp://127.0.0.1:port} */
    public String url() {
        return "tcp://" + HOST + ":" + port;
    }

    /** {@code ssl://127.0.0.1:tlsPort} */
    public String tlsUrl() {
        return "ssl://" + HOST + ":" + tlsPort();
    }

    public Path logFile() {
        return logFile;
    }

    public Path configFile() {
        return configFile;
    }

    /** Everything mosquitto logged so far, for assertion messages. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "(no log yet)";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** Stops mosquitto and deletes its directory (config, log, persistence file). */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
        try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory harms nothing.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mosquitto", e);
        }
    }

    private static final class Tls {
        final Path caFile;
        final Path certFile;
        final Path keyFile;
        final boolean requireCertificate;

        Tls(Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {
            this.caFile = caFile;
            this.certFile = certFile;
            this.keyFile = keyFile;
            this.requireCertificate = requireCertificate;
        }
    }

    public static final class Builder {
        private boolean allowAnonymous = true;
        private final Map<String, String> users = new LinkedHashMap<>();
        private boolean persistence;
        private int maxQueuedMessages = -1;
        private Tls tls;
        private boolean debugLog;
        private final List<String> extraLines = new ArrayList<>();

        private Builder() {
        }

        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            return this;
        }

        /** Adds a user to a password file made with mosquitto_passwd (ships in the mosquitto package). */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** Keeps sessions and queued messages in mosquitto.db across {@link #stop()} / {@link #start()}. */
        public Builder persistence(boolean on) {
            this.persistence = on;
            return this;
        }

        /** QoS 1/2 messages mosquitto queues per offline client (its default is 1000). */
        public Builder maxQueuedMessages(int count) {
            this.maxQueuedMessages = count;
            return this;
        }

        /** Adds a second listener on {@link #tlsPort()} with these PEM files. */
        public Builder tls(Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {
            this.tls = new Tls(caFile, certFile, keyFile, requireCertificate);
            return this;
        }

        /** Logs every packet (mosquitto's debug level); large with many messages. */
        public Builder debugLog(boolean on) {
            this.debugLog = on;
            return this;
        }

        /** Any other mosquitto.conf line, appended as is. */
        public Builder configLine(String line) {
            extraLines.add(line);
            return this;
        }

        /** Writes the config and starts mosquitto. */
        public MosquittoBroker start() {
            MosquittoBroker broker = create();
            try {
                return broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        /** Writes the config without starting, for tests that start it later. */
        public MosquittoBroker create() {
            try {
                return new MosquittoBroker(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare mosquitto", e);
            }
        }
    }
}
