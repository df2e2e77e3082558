package dev.sensorpub.config;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Level;
import dev.sensorpub.log.LogSettings;
import dev.sensorpub.queue.FsyncPolicy;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueueSettings;
import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.Endpoints;
import dev.sensorpub.transport.TlsContext;
import dev.sensorpub.transport.TlsSettings;
import java.time.Duration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads the sensor-to-topic mapping file (Java properties) and the board file it names, and
 * checks everything before anything starts. Every problem lands in one {@link ConfigException}.
 *
 * <p>{@code board} is either a name, looked up as {@code <name>.properties} in the board
 * directories (by default: {@code board-configs/} next to the mapping file, the mapping file's
 * own directory, {@code ./board-configs/}, and the directory in the system property
 * {@code sensorpub.board-dir}), or a path to a board file (relative to the mapping file).
 */
public final class MappingFile {
    static final Set<String> TOP_KEYS = Set.of("board", "mqtt.server", "mqtt.client-id", "mqtt.keep-alive",
            "mqtt.clean-session", "mqtt.username", "mqtt.password", "mqtt.status-topic", "mqtt.connect-timeout",
            "mqtt.reconnect.min-delay", "mqtt.reconnect.max-delay", "mqtt.reconnect.reset-after",
            "mqtt.inflight-window", "mqtt.broker-inflight-limit", "mqtt.max-packet-size", "mqtt.tls.ca-file", "mqtt.tls.cert-file",
            "mqtt.tls.key-file", "mqtt.tls.verify-hostname", "queue.type", "queue.path", "queue.capacity",
            "queue.max-messages", "queue.overflow", "queue.fsync", "queue.flush-rate", "log.level",
            "log.status-interval", "log.serial", "log.fold-window", "log.stack-traces", "ha.discovery", "ha.prefix",
            "ha.node-id", "ha.device-name", "ha.state-file");
    static final List<String> COMMON_SENSOR_KEYS = List.of("type", "topic", "qos", "retain", "interval", "format",
            "decimals", "scale", "offset", "deadband", "max-silence", "max-age", "unit", "ha.enabled", "ha.component",
            "ha.device-class", "ha.unit", "ha.name", "ha.expire-after", "ha.state-class", "ha.icon", "ha.entity-category");
    static final List<String> OUTPUT_KEYS = List.of("type", "pin", "inverted", "initial", "command-topic",
            "state-topic", "on-payload", "off-payload", "on-for", "safe-state", "safe-after", "qos", "ha.enabled",
            "ha.device-class", "ha.name", "ha.icon", "ha.entity-category");
    /** The session holds 16 subscriptions; one is Home Assistant's status topic. */
    static final int MAX_OUTPUTS = 15;

    private static final long DAY_MILLIS = 86_400_000L;
    /** Home Assistant's node and object ids, and so our sensor and output names. */
    private static final String HA_ID = "[A-Za-z0-9_-]+";
    /** Every MQTT string (user name, password) has a two-byte length. */
    static final int MQTT_MAX_STRING = 65_535;
    /**
     * MQTT 3.1.1 only promises 1 to 23 bytes; mosquitto 2.0 takes 65,535; AWS IoT Core and Azure IoT
     * Hub take 128. The longest that works on all of them, so a mapping file moves between brokers.
     */
    static final int MAX_CLIENT_ID_BYTES = 128;
    /** MQTT's remaining-length field tops out at 268,435,455 plus up to 5 header bytes. */
    private static final long MQTT_MAX_PACKET = 268_435_460L;

    private MappingFile() {
    }

    /** Loads {@code mapping} with the default board directories. */
    public static AgentConfig load(Path mapping) throws ConfigException {
        Path dir = mapping.toAbsolutePath().getParent();
        List<Path> boardDirs = new ArrayList<>(List.of(dir.resolve("board-configs"), dir, Path.of("board-configs")));
        String extra = System.getProperty("sensorpub.board-dir");
        if (extra != null && !extra.isBlank()) {
            boardDirs.add(Path.of(extra));
        }
        return load(mapping, boardDirs);
    }

    /**
     * {@code problems} ("key: reason", found once the board is known, e.g. a GPIO pin on a bus) each
     * prefixed with "line N: " for the key's line in {@code mapping}, like every other problem.
     */
    public static List<String> onTheirLines(Path mapping, List<String> problems) {
        Map<String, Integer> lines;
        try {
            lines = PropertiesFile.parse(Files.readAllBytes(mapping)).lines();
        } catch (IOException e) {
            return problems; // it was read a moment ago; without it the problems still name their keys
        }
        List<String> out = new ArrayList<>(problems.size());
        for (String problem : problems) {
            int colon = problem.indexOf(':');
            Integer line = colon < 0 ? null : lines.get(problem.substring(0, colon));
            out.add(line == null ? problem : "line " + line + ": " + problem);
        }
        return out;
    }

    public static AgentConfig load(Path mapping, List<Path> boardDirs) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(mapping);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(mapping + ": file not found"));
        } catch (IOException e) {
            throw new ConfigException(List.of(mapping + ": cannot read (" + e.getMessage() + ")"));
        }
        PropertiesFile file = PropertiesFile.parse(bytes);
        return parse(file.values(), file.lines(), file.problems(), mapping, boardDirs);
    }

    /** Validates already-read key/value pairs; {@code mapping} is used to resolve relative paths. */
    static AgentConfig parse(Map<String, String> values, Path mapping, List<Path> boardDirs) throws ConfigException {
        return parse(values, Map.of(), List.of(), mapping, boardDirs);
    }

    private static AgentConfig parse(Map<String, String> values, Map<String, Integer> lines, List<String> syntax,
                                     Path mapping, List<Path> boardDirs) throws ConfigException {
        List<String> problems = new ArrayList<>(syntax);
        KeyReader r = new KeyReader(values, lines, problems);
        Path baseDir = mapping.toAbsolutePath().getParent();

        BoardConfig board = board(r, baseDir, boardDirs, problems);
        MqttSettings mqtt = mqtt(r, baseDir);
        QueueSettings queue = queue(r, baseDir);
        String heap = queue.heapProblem(Runtime.getRuntime().maxMemory(), mqtt.maxPacketSize());
        if (heap != null) {
            r.problem("queue.capacity", heap);
        }
        String directory = queue.directoryProblem();
        if (directory != null) {
            r.problem("queue.path", directory);
        } else {
            String storage = queue.storageProblem();
            if (storage != null) {
                r.problem("queue.capacity", storage);
            }
        }
        LogSettings log = log(r);
        long statusIntervalMillis = statusInterval(r);
        HaSettings ha = ha(r, mqtt.clientId(), queue, baseDir);
        List<SensorConfig> sensors = sensors(r, mqtt.clientId(), board);
        List<OutputConfig> outputs = outputs(r, mqtt.clientId());
        checkConflicts(sensors, outputs, mqtt.statusTopic(), r);
        HaChecks.check(r, ha, sensors, outputs);

        Set<String> candidates = new TreeSet<>(TOP_KEYS);
        candidates.addAll(r.knownKeys());
        r.reportUnknown(candidates);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new AgentConfig(mapping, board, mqtt, queue, log, statusIntervalMillis, sensors, ha, outputs);
    }

    private static BoardConfig board(KeyReader r, Path baseDir, List<Path> boardDirs, List<String> problems) {
        String builtIn = String.join(", ", BoardConfig.BUILT_IN);
        String value = r.required("board", "name a board (" + builtIn + ") or a board file path");
        if (value == null) {
            return null;
        }
        if (value.contains("/") || value.endsWith(".properties")) {
            Path file = baseDir.resolve(value);
            if (!Files.isRegularFile(file)) {
                String stem = file.getFileName().toString().replaceFirst("\\.properties$", "");
                r.problem("board", "board file not found: " + file + (BoardConfig.BUILT_IN.contains(stem)
                        ? "; for the built-in board write board = " + stem
                        : "; give an existing file, or a built-in board: " + builtIn));
                return null;
            }
            return BoardConfig.load(file, problems);
        }
        // A file in a board directory overrides the built-in board of the same name.
        for (Path dir : boardDirs) {
            Path candidate = dir.resolve(value + ".properties");
            if (Files.isRegularFile(candidate)) {
                return BoardConfig.load(candidate, problems);
            }
        }
        if (BoardConfig.BUILT_IN.contains(value)) {
            return BoardConfig.loadBuiltIn(value, problems);
        }
        String near = DidYouMean.closest(value, BoardConfig.BUILT_IN);
        r.problem("board", "'" + value + "' is not a board; " + (near == null ? "" : "did you mean '" + near + "'? ")
                + "built in: " + builtIn + "; or a path to a board file (no " + value + ".properties in "
                + boardDirs + ")");
        return null;
    }

    private static MqttSettings mqtt(KeyReader r, Path baseDir) {
        List<ServerAddress> servers = servers(r);
        String clientId = r.required("mqtt.client-id", "the MQTT client id, unique per broker");
        if (clientId != null && !clientId.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            r.problem("mqtt.client-id", "may not contain control characters");
            clientId = null;
        } else if (clientId != null && utf8Length(clientId) > MAX_CLIENT_ID_BYTES) {
            r.problem("mqtt.client-id", "is " + utf8Length(clientId) + " bytes; at most " + MAX_CLIENT_ID_BYTES
                    + " (AWS IoT Core's limit; MQTT 3.1.1 promises only 23, mosquitto takes 65,535)");
            clientId = null;
        }
        long keepAlive = r.durationMillis("mqtt.keep-alive", 30_000, 0, 65_535_000);
        if (keepAlive % 1000 != 0) {
            r.problem("mqtt.keep-alive", "MQTT keep alive is in whole seconds");
        } else if (keepAlive == 0) {
            r.problem("mqtt.keep-alive", "0 turns keep alive off, and with it the detection of a silently dead "
                    + "link; use 1s or more");
        }
        boolean cleanSession = r.bool("mqtt.clean-session", false);
        String username = r.string("mqtt.username", null);
        if (username != null && (utf8Length(username) > MQTT_MAX_STRING || username.indexOf('\0') >= 0)) {
            r.problem("mqtt.username", "is " + utf8Length(username) + " bytes or holds U+0000; MQTT carries at most "
                    + MQTT_MAX_STRING + " bytes without U+0000");
        }
        r.secret("mqtt.password");
        String password = r.string("mqtt.password", null);
        if (password != null && utf8Length(password) > MQTT_MAX_STRING) {
            r.problem("mqtt.password", "is " + utf8Length(password) + " bytes; MQTT carries at most "
                    + MQTT_MAX_STRING + " (check that the right file or line was pasted)");
        }
        if (password != null && username == null) {
            r.problem("mqtt.password", "set without mqtt.username; MQTT 3.1.1 sends a password only with a user name");
        }
        String statusTemplate = r.string("mqtt.status-topic", "${client-id}/status");
        String statusTopic = topic(r, "mqtt.status-topic", statusTemplate, clientId, null, null);
        long connectTimeout = r.durationMillis("mqtt.connect-timeout", 10_000, 100, 10 * 60_000);
        long minDelay = r.durationMillis("mqtt.reconnect.min-delay", 1_000, 10, DAY_MILLIS);
        long maxDelay = r.durationMillis("mqtt.reconnect.max-delay", 60_000, 10, DAY_MILLIS);
        if (minDelay > maxDelay) {
            r.problem("mqtt.reconnect.min-delay", "is larger than mqtt.reconnect.max-delay");
        }
        long resetAfter = r.durationMillis("mqtt.reconnect.reset-after", 30_000, 0, DAY_MILLIS);
        // 65,535 packet ids: the window's, the status's and the SUBSCRIBE's (SessionSettings.MAX_INFLIGHT_WINDOW).
        int window = (int) r.integer("mqtt.inflight-window", 128, 1, 65_533);
        int brokerLimit = (int) r.integer("mqtt.broker-inflight-limit", 20, 1, 65_535);
        int maxPacket = (int) r.sizeBytes("mqtt.max-packet-size", 256 * 1024, 128, MQTT_MAX_PACKET);
        Path ca = existingFile(r, "mqtt.tls.ca-file", baseDir);
        Path cert = existingFile(r, "mqtt.tls.cert-file", baseDir);
        Path key = existingFile(r, "mqtt.tls.key-file", baseDir);
        if ((r.has("mqtt.tls.cert-file")) != (r.has("mqtt.tls.key-file"))) {
            r.problem(r.has("mqtt.tls.cert-file") ? "mqtt.tls.key-file" : "mqtt.tls.cert-file",
                    "missing; a client certificate needs both mqtt.tls.cert-file and mqtt.tls.key-file");
        }
        boolean verifyHostname = r.bool("mqtt.tls.verify-hostname", true);
        boolean anyTls = false;
        for (ServerAddress s : servers) {
            anyTls |= s.tls();
        }
        if (anyTls && readable(ca) && readable(cert) && readable(key) && (cert == null) == (key == null)) {
            // the start reads these files; --check reads them the same way, so it fails here, not at start
            try {
                TlsContext.checkFiles(new TlsSettings(ca, cert, key, verifyHostname));
            } catch (IllegalArgumentException e) {
                String setting = e.getMessage().split(" ", 3)[1];
                r.problem("mqtt.tls." + setting, e.getMessage().replaceFirst("^TLS " + setting + " ", ""));
            }
        }
        if (!anyTls) {
            for (String tlsKey : List.of("mqtt.tls.ca-file", "mqtt.tls.cert-file", "mqtt.tls.key-file",
                    "mqtt.tls.verify-hostname")) {
                if (r.has(tlsKey)) {
                    r.problem(tlsKey, "set, but no ssl:// server in mqtt.server uses TLS");
                }
            }
        }
        return new MqttSettings(servers, clientId, (int) (keepAlive / 1000), cleanSession, username, password,
                statusTopic, connectTimeout, minDelay, maxDelay, resetAfter, window, brokerLimit, maxPacket, ca, cert, key,
                verifyHostname);
    }

    /** Parsed by the session's own parser, so --check accepts exactly the brokers the runtime connects to. */
    private static List<ServerAddress> servers(KeyReader r) {
        String value = r.required("mqtt.server", "the broker, e.g. tcp://192.168.1.10:1883 (several: comma-separated)");
        List<ServerAddress> servers = new ArrayList<>();
        if (value == null) {
            return servers;
        }
        try {
            Endpoints endpoints = Endpoints.parse(value);
            for (int i = 0; i < endpoints.size(); i++) {
                Endpoint e = endpoints.get(i);
                servers.add(new ServerAddress(e.isTls(), e.host(), e.port()));
            }
        } catch (IllegalArgumentException e) {
            r.problem("mqtt.server", e.getMessage());
        }
        return servers;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** True for no file (null) and for a file that exists and can be read. */
    private static boolean readable(Path file) {
        return file == null || Files.isRegularFile(file) && Files.isReadable(file);
    }

    private static Path existingFile(KeyReader r, String key, Path baseDir) {
        String v = r.string(key, null);
        if (v == null) {
            return null;
        }
        Path p = baseDir.resolve(v);
        if (!Files.isRegularFile(p)) {
            r.problem(key, "file not found: " + p);
        } else if (!Files.isReadable(p)) {
            r.problem(key, "file not readable: " + p);
        }
        return p;
    }

    private static QueueSettings queue(KeyReader r, Path baseDir) {
        String type = r.choice("queue.type", "memory", "memory", "file");
        Path path = null;
        String pathValue = r.string("queue.path", null);
        if ("file".equals(type) && pathValue == null) {
            r.problem("queue.path", "missing; queue.type = file needs a directory for the queue");
        }
        if (pathValue != null) {
            path = baseDir.resolve(pathValue);
        }
        long capacity = r.sizeBytes("queue.capacity", 8L << 20, 4096, QueueSettings.MAX_CAPACITY_BYTES);
        int maxMessages = (int) r.integer("queue.max-messages", 100_000, 1, 100_000_000);
        String overflow = r.choice("queue.overflow", "drop-oldest", "drop-oldest", "drop-newest");
        FsyncPolicy fsync = fsync(r);
        int flushRate = (int) r.integer("queue.flush-rate", 0, 0, 1_000_000);
        return new QueueSettings("file".equals(type) ? QueueSettings.Type.FILE : QueueSettings.Type.MEMORY,
                path == null ? Path.of("queue") : path, capacity, maxMessages,
                "drop-newest".equals(overflow) ? OverflowPolicy.DROP_NEWEST : OverflowPolicy.DROP_OLDEST,
                fsync, flushRate);
    }

    /** {@code never}, a duration ({@code 1s}) or a record count ({@code 100 records}). */
    private static FsyncPolicy fsync(KeyReader r) {
        String value = r.string("queue.fsync", null);
        if (value == null) {
            return FsyncPolicy.DEFAULT;
        }
        String t = value.trim();
        if (t.equals("never")) {
            return FsyncPolicy.never();
        }
        String hint = " (write never, a duration such as 1s, or a count such as 100 records)";
        if (t.contains(",")) {
            r.problem("queue.fsync", "'" + t + "' names more than one rule; choose one" + hint);
            return FsyncPolicy.DEFAULT;
        }
        if (t.endsWith("records") || t.endsWith("record")) {
            String n = t.substring(0, t.lastIndexOf("record")).trim();
            try {
                int records = Integer.parseInt(n);
                if (records >= 1) {
                    return FsyncPolicy.everyRecords(records);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            r.problem("queue.fsync", "'" + t + "' is not a record count of at least 1" + hint);
            return FsyncPolicy.DEFAULT;
        }
        try {
            long millis = Units.parseDurationMillis(t);
            if (millis >= 1) {
                return FsyncPolicy.everyMillis(millis);
            }
            r.problem("queue.fsync", "'" + t + "' must be at least 1ms" + hint);
        } catch (IllegalArgumentException e) {
            r.problem("queue.fsync", e.getMessage() + hint);
        }
        return FsyncPolicy.DEFAULT;
    }

    private static LogSettings log(KeyReader r) {
        String level = r.choice(LogSettings.KEY_LEVEL, "info", "debug", "info", "warn", "error");
        String serial = r.string(LogSettings.KEY_SERIAL, null);
        long foldMillis = r.durationMillis(LogSettings.KEY_FOLD_WINDOW, LogSettings.DEFAULT_FOLD_WINDOW.toMillis(), 0,
                DAY_MILLIS);
        boolean stackTraces = r.bool(LogSettings.KEY_STACK_TRACES, false);
        return new LogSettings(Level.parse(level), serial, Duration.ofMillis(foldMillis), stackTraces);
    }

    private static long statusInterval(KeyReader r) {
        long status = r.durationMillis("log.status-interval", 60_000, 0, DAY_MILLIS);
        if (status != 0 && status < 1_000) {
            r.problem("log.status-interval", "must be 0 (off) or at least 1s");
        }
        return status;
    }

    /** The {@code <name>} of every {@code <prefix><name>.<key>} in the file, in sorted order. */
    private static Set<String> blockNames(KeyReader r, String prefix) {
        Set<String> names = new LinkedHashSet<>();
        for (String key : r.keysUnder(prefix)) {
            int dot = key.indexOf('.', prefix.length());
            if (dot >= 0) { // "sensor.x" alone is reported as unknown
                names.add(key.substring(prefix.length(), dot));
            }
        }
        return names;
    }

    /**
     * "{@code <kind>.<name>.}", after checking the name (it becomes a Home Assistant id and a
     * topic level) and marking {@code keys} as known there, so did-you-mean suggests them.
     */
    private static String block(KeyReader r, String kind, String name, List<String> keys) {
        String p = kind + "." + name + ".";
        if (!name.matches(HA_ID)) {
            r.problem(p + "type", kind + " name '" + name + "' may only use letters, digits, '_' and '-'");
        }
        for (String k : keys) {
            r.has(p + k);
        }
        return p;
    }

    private static List<SensorConfig> sensors(KeyReader r, String clientId, BoardConfig board) {
        List<SensorConfig> sensors = new ArrayList<>();
        for (String name : blockNames(r, "sensor.")) {
            SensorConfig s = sensor(r, name, clientId, board);
            if (s != null) {
                sensors.add(s);
            }
        }
        return sensors;
    }

    private static SensorConfig sensor(KeyReader r, String name, String clientId, BoardConfig board) {
        String p = block(r, "sensor", name, COMMON_SENSOR_KEYS);
        String typeKey = r.required(p + "type", "one of " + SensorType.allKeys());
        SensorType type = typeKey == null ? null : SensorType.fromKey(typeKey);
        if (typeKey != null && type == null) {
            String near = DidYouMean.closest(typeKey, List.of(SensorType.allKeys().split(", ")));
            r.problem(p + "type", "'" + typeKey + "' is not a sensor type"
                    + (near == null ? "; use one of " + SensorType.allKeys() : "; did you mean '" + near + "'?"));
        }
        String topicTemplate = r.required(p + "topic", "the MQTT topic to publish to, e.g. garage/door");
        String topic = topicTemplate == null ? null : topic(r, p + "topic", topicTemplate, clientId, "sensor", name);
        int qos = (int) r.integer(p + "qos", 1, 0, 2);
        boolean retain = r.bool(p + "retain", false);
        long interval = r.durationMillis(p + "interval", 10_000, 10, DAY_MILLIS);
        String format = r.choice(p + "format", "plain", "plain", "json");
        int decimals = (int) r.integer(p + "decimals", type == null ? 2 : type.defaultDecimals(), 0, 9);
        double scale = r.decimal(p + "scale", 1.0, -1e12, 1e12);
        double offset = r.decimal(p + "offset", 0.0, -1e12, 1e12);
        double deadband = r.decimal(p + "deadband", 0.0, 0.0, 1e12);
        long maxSilence = r.durationMillis(p + "max-silence", 0, 0, 30 * DAY_MILLIS);
        long maxAge = r.durationMillis(p + "max-age", 0, 0, 365 * DAY_MILLIS);
        String unit = r.string(p + "unit", null);
        if (type == null) {
            return null;
        }
        if (unit != null && !type.topicSuffixes().isEmpty()) {
            r.problem(p + "unit", type.key() + " publishes " + type.topicSuffixes() + " each with its own unit");
        }
        if (unit != null && !unit.chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)) {
            r.problem(p + "unit", "may not contain quotes, backslashes or control characters");
        }
        if (type.digital() && (r.has(p + "decimals") || r.has(p + "scale") || r.has(p + "offset")
                || r.has(p + "deadband"))) {
            r.problem(p + (r.has(p + "decimals") ? "decimals" : r.has(p + "scale") ? "scale"
                    : r.has(p + "offset") ? "offset" : "deadband"), type.key()
                    + " is digital and publishes its on/off payloads; decimals, scale, offset and deadband do not apply");
        }
        SensorOptions options = SensorOptionsReader.read(r, p, type, board);
        HaOverrides ha = haOverrides(r, p, type);
        for (String key : r.keysUnder(p)) {
            String option = key.substring(p.length());
            if (!type.optionKeys().contains(option) && !COMMON_SENSOR_KEYS.contains(option)) {
                String owners = typesWithOption(option);
                if (!owners.isEmpty()) {
                    r.has(key);
                    r.problem(key, "'" + option + "' is a key of " + owners + ", not of " + type.key());
                }
            }
        }
        if (unit == null && type.topicSuffixes().isEmpty() && !type.defaultUnit().isEmpty()) {
            unit = type.defaultUnit();
        }
        return new SensorConfig(name, type, topic, qos, retain, interval,
                "json".equals(format) ? SensorConfig.Format.JSON : SensorConfig.Format.PLAIN, decimals, scale, offset,
                deadband, maxSilence, maxAge, unit, options, ha);
    }

    private static HaSettings ha(KeyReader r, String clientId, QueueSettings queue, Path baseDir) {
        boolean discovery = r.bool("ha.discovery", false);
        String prefix = r.string("ha.prefix", "homeassistant");
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/") || prefix.startsWith("$")) {
            r.problem("ha.prefix", "'" + prefix + "' must be a topic like homeassistant: not empty, no leading or "
                    + "trailing '/', not starting with $");
        } else {
            try {
                Topic.name(prefix + "/status");
            } catch (IllegalArgumentException e) {
                r.problem("ha.prefix", "invalid topic: " + e.getMessage());
            }
        }
        String nodeId = r.string("ha.node-id", null);
        if (nodeId != null && !nodeId.matches(HA_ID)) {
            r.problem("ha.node-id", "'" + nodeId + "' may only use letters, digits, '_' and '-'");
        } else if (nodeId == null && clientId != null) {
            nodeId = clientId.replaceAll("[^a-zA-Z0-9_-]", "_");
        }
        String deviceName = printable(r, "ha.device-name", r.string("ha.device-name", clientId));
        String stateValue = r.string("ha.state-file", null);
        Path stateFile = stateValue != null ? baseDir.resolve(stateValue)
                : queue.type() == QueueSettings.Type.FILE && queue.path() != null
                ? queue.path().resolve("ha-announced.txt") : null;
        return new HaSettings(discovery, prefix, nodeId, deviceName, stateFile);
    }

    /** The {@code ha.*} keys under {@code p}; {@code type} is null for an output (announced as a switch). */
    private static HaOverrides haOverrides(KeyReader r, String p, SensorType type) {
        boolean enabled = r.bool(p + "ha.enabled", true);
        String name = printable(r, p + "ha.name", r.string(p + "ha.name", null));
        String deviceClass = r.string(p + "ha.device-class", null);
        String icon = r.string(p + "ha.icon", null);
        String category = r.string(p + "ha.entity-category", null);
        if (type == null) {
            for (String key : List.of("ha.component", "ha.unit", "ha.expire-after", "ha.state-class")) {
                if (r.has(p + key)) {
                    r.problem(p + key, "outputs are announced as switches; " + key + " does not apply");
                }
            }
            return new HaOverrides(enabled, null, deviceClass, null, name, HaOverrides.DERIVED, null, icon, category);
        }
        String component = r.choice(p + "ha.component", null, "sensor", "binary_sensor");
        if ("binary_sensor".equals(component) && !type.digital()) {
            r.problem(p + "ha.component", type.key() + " publishes numbers; binary_sensor needs a digital type "
                    + "(gpio-input, sim-switch)");
        }
        String unit = r.string(p + "ha.unit", null);
        if (unit != null && !unit.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            r.problem(p + "ha.unit", "may not contain control characters");
        }
        long expire = r.durationMillis(p + "ha.expire-after", HaOverrides.DERIVED, 0, 30 * DAY_MILLIS);
        if (expire > 0 && expire % 1000 != 0) {
            r.problem(p + "ha.expire-after", "Home Assistant counts it in whole seconds");
        }
        String stateClass = r.string(p + "ha.state-class", null);
        if (!type.topicSuffixes().isEmpty()) {
            for (String key : List.of("ha.component", "ha.device-class", "ha.unit")) {
                if (r.has(p + key)) {
                    r.problem(p + key, type.key() + " announces " + type.topicSuffixes()
                            + " each with its own class and unit; " + key + " applies to one-value sensors");
                }
            }
        }
        return new HaOverrides(enabled, component, deviceClass, unit, name, expire, stateClass, icon, category);
    }

    /** {@code value} unless it holds control characters (then reported, and null). */
    private static String printable(KeyReader r, String key, String value) {
        if (value != null && !value.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            r.problem(key, "may not contain control characters");
            return null;
        }
        return value;
    }

    private static List<OutputConfig> outputs(KeyReader r, String clientId) {
        List<OutputConfig> outputs = new ArrayList<>();
        int count = 0;
        for (String name : blockNames(r, "output.")) {
            if (++count > MAX_OUTPUTS) {
                r.problem("output." + name + ".type", "at most " + MAX_OUTPUTS + " outputs (the session holds 16 "
                        + "subscriptions and one is Home Assistant's status topic)");
            }
            OutputConfig o = output(r, name, clientId);
            if (o != null) {
                outputs.add(o);
            }
        }
        return outputs;
    }

    private static OutputConfig output(KeyReader r, String name, String clientId) {
        String p = block(r, "output", name, OUTPUT_KEYS);
        String type = r.required(p + "type", "gpio-output (the only output type)");
        if (type != null && !type.equals("gpio-output")) {
            r.problem(p + "type", "'" + type + "' is not an output type; use gpio-output");
        }
        boolean hasPin = r.required(p + "pin", "the BCM GPIO number (0-27) the output drives") != null;
        int pin = (int) r.integer(p + "pin", -1, 0, 27);
        boolean inverted = r.bool(p + "inverted", false);
        boolean initialOn = "on".equals(r.choice(p + "initial", "off", "on", "off"));
        String command = topic(r, p + "command-topic", r.string(p + "command-topic", "${client-id}/${output}/set"),
                clientId, "output", name);
        String state = topic(r, p + "state-topic", r.string(p + "state-topic", "${client-id}/${output}/state"),
                clientId, "output", name);
        String[] onOff = SensorOptionsReader.onOffPayloads(r, p);
        for (int i = 0; i < 2; i++) {
            if (onOff[i].isEmpty()) {
                r.problem(p + (i == 0 ? "on-payload" : "off-payload"), "may not be empty");
            }
        }
        long onFor = r.durationMillis(p + "on-for", 0, 10, DAY_MILLIS);
        String safe = r.choice(p + "safe-state", "off", "off", "on", "keep");
        long safeAfter = r.durationMillis(p + "safe-after", 60_000, 0, DAY_MILLIS);
        int qos = (int) r.integer(p + "qos", 1, 0, 2);
        HaOverrides ha = haOverrides(r, p, null);
        if (type == null || !hasPin || pin < 0) {
            return null;
        }
        return new OutputConfig(name, pin, inverted, initialOn, command, state, onOff[0], onOff[1], onFor,
                OutputConfig.SafeState.valueOf(safe.toUpperCase(Locale.ROOT)), safeAfter, qos, ha);
    }

    private static String typesWithOption(String option) {
        StringBuilder sb = new StringBuilder();
        for (SensorType t : SensorType.values()) {
            if (t.optionKeys().contains(option)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t.key());
            }
        }
        return sb.toString();
    }

    /**
     * Expands ${client-id} and ${<ownerKind>} ("sensor", "output"; none when null) and checks
     * the result is a valid MQTT topic name.
     */
    private static String topic(KeyReader r, String key, String template, String clientId, String ownerKind,
                                String owner) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                out.append(template, i, template.length());
                break;
            }
            int end = template.indexOf('}', start);
            if (end < 0) {
                r.problem(key, "'" + template + "' has an unclosed ${");
                return null;
            }
            out.append(template, i, start);
            String name = template.substring(start + 2, end);
            if (name.equals("client-id")) {
                if (clientId == null) {
                    return null; // mqtt.client-id already reported
                }
                out.append(clientId);
            } else if (ownerKind != null && name.equals(ownerKind)) {
                out.append(owner);
            } else {
                r.problem(key, "'" + template + "' uses unknown template ${" + name + "}; use ${client-id}"
                        + (ownerKind != null ? " or ${" + ownerKind + "}" : ""));
                return null;
            }
            i = end + 1;
        }
        String topic = out.toString();
        try {
            Topic.name(topic);
        } catch (IllegalArgumentException e) {
            r.problem(key, "invalid topic: " + e.getMessage());
            return null;
        }
        if (topic.startsWith("$")) {
            r.problem(key, "invalid topic '" + topic + "': topics starting with $ are reserved for the broker");
            return null;
        }
        return topic;
    }

    private static void checkConflicts(List<SensorConfig> sensors, List<OutputConfig> outputs, String statusTopic,
                                       KeyReader r) {
        Map<String, String> topicOwner = new HashMap<>();
        if (statusTopic != null) {
            topicOwner.put(statusTopic, "mqtt.status-topic");
        }
        Map<String, String> resourceOwner = new HashMap<>();
        for (SensorConfig s : sensors) {
            String key = "sensor." + s.name() + ".";
            if (s.topic() != null) {
                for (String t : s.topics()) {
                    String previous = topicOwner.putIfAbsent(t, key + "topic");
                    if (previous != null) {
                        r.problem(key + "topic", "'" + t + "' is already used by " + previous);
                    }
                }
            }
            String resource = resource(s);
            if (resource != null) {
                String previous = resourceOwner.putIfAbsent(resource, key + "type");
                if (previous != null) {
                    r.problem(key + resourceKey(s), resource + " is already used by "
                            + previous.substring(0, previous.length() - "type".length() - 1));
                }
            }
        }
        Map<String, String> commandOwner = new HashMap<>();
        for (OutputConfig o : outputs) {
            String key = "output." + o.name() + ".";
            String previousPin = resourceOwner.putIfAbsent("GPIO " + o.pin(), key + "type");
            if (previousPin != null) {
                r.problem(key + "pin", "GPIO " + o.pin() + " is already used by "
                        + previousPin.substring(0, previousPin.length() - "type".length() - 1));
            }
            if (o.stateTopic() != null) {
                String previous = topicOwner.putIfAbsent(o.stateTopic(), key + "state-topic");
                if (previous != null) {
                    r.problem(key + "state-topic", "'" + o.stateTopic() + "' is already used by " + previous);
                }
            }
        }
        for (OutputConfig o : outputs) {
            String key = "output." + o.name() + ".command-topic";
            if (o.commandTopic() == null) {
                continue;
            }
            String published = topicOwner.get(o.commandTopic());
            String previous = commandOwner.putIfAbsent(o.commandTopic(), key);
            if (published != null) {
                r.problem(key, "'" + o.commandTopic() + "' is published to by " + published
                        + "; it would read its own messages as commands");
            } else if (previous != null) {
                r.problem(key, "'" + o.commandTopic() + "' is already used by " + previous);
            }
        }
    }

    /** The piece of hardware a sensor claims, so two sensors cannot both claim it. */
    private static String resource(SensorConfig s) {
        if (s.options() instanceof SensorOptions.GpioInput g) {
            return g.pin() < 0 ? null : "GPIO " + g.pin(); // a missing pin is reported already
        }
        if (s.options() instanceof SensorOptions.Bme280 b) {
            return "I2C bus " + b.bus() + " address 0x" + Integer.toHexString(b.address());
        }
        if (s.options() instanceof SensorOptions.Mcp3008 m) {
            return m.channel() < 0 ? null : "MCP3008 on SPI bus " + m.bus() + " chip-select " + m.chipSelect() + " channel " + m.channel();
        }
        return null;
    }

    private static String resourceKey(SensorConfig s) {
        switch (s.type()) {
            case GPIO_INPUT: return "pin";
            case BME280: return "address";
            default: return "channel";
        }
    }
}
