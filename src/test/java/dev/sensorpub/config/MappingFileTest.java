package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sensorpub.log.Level;
import dev.sensorpub.log.LogSettings;
import dev.sensorpub.queue.FsyncPolicy;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueueSettings;
import dev.sensorpub.testing.TestPki;
import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingFileTest {
    private static final List<String> MINIMAL = List.of(
            "board = simulator",
            "mqtt.server = tcp://127.0.0.1:1883",
            "mqtt.client-id = garage-pi",
            "sensor.beat.type = sim-counter",
            "sensor.beat.topic = garage/heartbeat");

    @TempDir
    Path dir;

    private Path write(List<String> lines) throws IOException {
        Path file = dir.resolve("mapping.properties");
        Files.write(file, lines);
        return file;
    }

    private AgentConfig load(String... extra) throws Exception {
        return MappingFile.load(write(with(extra)), List.of(Path.of("board-configs")));
    }

    /** The problems a file with the minimal lines plus {@code extra} produces. */
    private List<String> problems(String... extra) throws IOException {
        return problemsOf(with(extra));
    }

    /** The minimal lines with {@code extra} added; an extra line replaces a minimal line of the same key. */
    private static List<String> with(String... extra) {
        List<String> lines = new ArrayList<>(MINIMAL);
        for (String line : extra) {
            String key = line.substring(0, line.indexOf('=') + 1);
            lines.removeIf(l -> !key.isEmpty() && l.startsWith(key));
        }
        lines.addAll(Arrays.asList(extra));
        return lines;
    }

    /**
     * The reasons a file with {@code lines} is rejected for, without the "line N: " each starts
     * with (aProblemNamesItsLine checks those), so these tests state the reason alone.
     */
    private List<String> problemsOf(List<String> lines) throws IOException {
        List<String> reasons = new ArrayList<>();
        for (String problem : reportOf(lines)) {
            reasons.add(problem.replaceFirst("^line [0-9]+: ", ""));
        }
        return reasons;
    }

    private List<String> reportOf(List<String> lines) throws IOException {
        Path file = write(lines);
        try {
            MappingFile.load(file, List.of(Path.of("board-configs")));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    private static List<String> without(String prefix) {
        List<String> lines = new ArrayList<>(MINIMAL);
        lines.removeIf(l -> l.startsWith(prefix));
        return lines;
    }

    @Test
    void aMinimalFileGetsTheDocumentedDefaults() throws Exception {
        AgentConfig c = load();
        assertEquals("simulator", c.board().name());
        MqttSettings m = c.mqtt();
        assertEquals(List.of(new ServerAddress(false, "127.0.0.1", 1883)), m.servers());
        assertEquals("garage-pi", m.clientId());
        assertEquals(30, m.keepAliveSeconds());
        assertFalse(m.cleanSession());
        assertEquals("garage-pi/status", m.statusTopic());
        assertEquals(10_000, m.connectTimeoutMillis());
        assertEquals(1_000, m.reconnectMinDelayMillis());
        assertEquals(60_000, m.reconnectMaxDelayMillis());
        assertEquals(30_000, m.reconnectResetAfterMillis());
        assertEquals(128, m.inflightWindow());
        assertEquals(20, m.brokerInflightLimit());
        assertEquals(256 * 1024, m.maxPacketSize());
        assertTrue(m.tlsVerifyHostname());
        assertNull(m.username());
        assertNull(m.password());
        QueueSettings q = c.queue();
        assertEquals(QueueSettings.Type.MEMORY, q.type());
        assertEquals(8L << 20, q.capacityBytes());
        assertEquals(100_000, q.maxMessages());
        assertEquals(OverflowPolicy.DROP_OLDEST, q.overflow());
        assertEquals(FsyncPolicy.everyMillis(1_000), q.fsync());
        assertEquals(0, q.flushRatePerSecond());
        assertEquals(LogSettings.defaults(), c.log());
        assertEquals(60_000, c.statusIntervalMillis());
        SensorConfig s = c.sensors().get(0);
        assertEquals("beat", s.name());
        assertEquals(SensorType.SIM_COUNTER, s.type());
        assertEquals("garage/heartbeat", s.topic());
        assertEquals(1, s.qos());
        assertFalse(s.retain());
        assertEquals(10_000, s.intervalMillis());
        assertEquals(SensorConfig.Format.PLAIN, s.format());
        assertEquals(0, s.decimals());
        assertEquals(1.0, s.scale());
        assertEquals(0.0, s.offset());
        assertEquals(0, s.maxAgeMillis());
    }

    @Test
    void aQueueDirectoryTheSystemCannotMakeIsNamedWithTheReasonAndTheLineOfQueuePath() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux /proc");
        assertEquals(List.of("line 7: queue.path: directory /proc/sensorpub-test/queue cannot be created "
                + "(no such file or directory: /proc/sensorpub-test)"),
                reportOf(with("queue.type = file", "queue.path = /proc/sensorpub-test/queue")));
    }

    @Test
    void aMissingQueueDirectoryThatCanBeMadeIsNoProblemAndIsNotLeftBehind(@TempDir Path dir) throws IOException {
        Path queue = dir.resolve("spool/queue");
        assertEquals(List.of(), reportOf(with("queue.type = file", "queue.path = " + queue)));
        assertFalse(Files.exists(dir.resolve("spool")), "--check leaves no directory behind");
    }

    @Test
    void aProblemNamesItsLine() throws IOException {
        assertEquals(List.of("line 6: sensor.beat.qos: '3' is out of range 0 to 2"),
                reportOf(with("sensor.beat.qos = 3")));
        assertEquals(List.of("line 6: sensor.door.pin: missing; the BCM GPIO number (0-27) the input is wired to"),
                reportOf(with("sensor.door.type = gpio-input", "sensor.door.topic = d")), "the block's type line");
        assertEquals(List.of("mqtt.client-id: missing; the MQTT client id, unique per broker"),
                reportOf(without("mqtt.client-id")), "no line to point at");
    }

    @Test
    void aFileSavedWithAByteOrderMarkLoads() throws Exception {
        Path file = write(MINIMAL);
        Files.writeString(file, "\uFEFF" + Files.readString(file));
        assertEquals("simulator", MappingFile.load(file, List.of(Path.of("board-configs"))).board().name());
    }

    @Test
    void theExampleFromTheIssueLoads() throws Exception {
        Path file = write(List.of(
                "board = raspberry-pi-4b            # a file in board-configs/, or a path",
                "mqtt.server = tcp://127.0.0.1:1883",
                "mqtt.client-id = garage-pi",
                "mqtt.keep-alive = 10s",
                "sensor.door.type = gpio-input",
                "sensor.door.pin = 17",
                "sensor.door.topic = garage/door",
                "sensor.door.qos = 1",
                "sensor.beat.type = sim-counter",
                "sensor.beat.topic = garage/heartbeat",
                "sensor.beat.interval = 100ms"));
        // Properties has no end-of-line comments: said once, with the line and the fix.
        ConfigException e = assertThrows(ConfigException.class,
                () -> MappingFile.load(file, List.of(Path.of("board-configs"))));
        assertEquals(List.of("line 1: board: '# a file in board-configs/, or a path' is not a comment in a "
                + "properties file but part of the value; put the comment on a line of its own, or write \\# if "
                + "the # belongs to the value"), e.problems());

        Files.write(file, Files.readAllLines(file).subList(1, 11));
        Files.writeString(file, "board = raspberry-pi-4b\n" + Files.readString(file));
        AgentConfig c = MappingFile.load(file, List.of(Path.of("board-configs")));
        assertEquals(10, c.mqtt().keepAliveSeconds());
        SensorConfig door = c.sensors().get(1);
        assertEquals("door", door.name());
        assertEquals(new SensorOptions.GpioInput(17, "off", false, 10, "ON", "OFF"), door.options());
        assertEquals(100, c.sensors().get(0).intervalMillis());
    }

    @Test
    void everyMqttKeyIsRead() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        Files.copy(pki.caFile(), dir.resolve("ca.pem"));
        Files.copy(pki.clientCert(), dir.resolve("c.pem"));
        Files.copy(pki.clientKey(), dir.resolve("k.pem"));
        List<String> lines = new ArrayList<>(without("mqtt.server"));
        lines.addAll(List.of("mqtt.server = ssl://broker.example:8883, tcp://[::1]",
                "mqtt.keep-alive = 1m", "mqtt.clean-session = true", "mqtt.username = pi", "mqtt.password = s3cret",
                "mqtt.status-topic = site/${client-id}/state", "mqtt.connect-timeout = 5s",
                "mqtt.reconnect.min-delay = 500ms", "mqtt.reconnect.max-delay = 2m", "mqtt.reconnect.reset-after = 1m",
                "mqtt.inflight-window = 100", "mqtt.broker-inflight-limit = 1", "mqtt.max-packet-size = 1MiB", "mqtt.tls.ca-file = ca.pem",
                "mqtt.tls.cert-file = c.pem", "mqtt.tls.key-file = k.pem", "mqtt.tls.verify-hostname = false"));
        MqttSettings m = MappingFile.load(write(lines), List.of(Path.of("board-configs"))).mqtt();
        assertEquals(List.of(new ServerAddress(true, "broker.example", 8883), new ServerAddress(false, "::1", 1883)),
                m.servers());
        assertEquals(60, m.keepAliveSeconds());
        assertTrue(m.cleanSession());
        assertEquals("pi", m.username());
        assertEquals("s3cret", m.password());
        assertEquals("site/garage-pi/state", m.statusTopic());
        assertEquals(5_000, m.connectTimeoutMillis());
        assertEquals(500, m.reconnectMinDelayMillis());
        assertEquals(120_000, m.reconnectMaxDelayMillis());
        assertEquals(60_000, m.reconnectResetAfterMillis());
        assertEquals(100, m.inflightWindow());
        assertEquals(1, m.brokerInflightLimit());
        assertEquals(1 << 20, m.maxPacketSize());
        assertEquals(dir.resolve("ca.pem"), m.tlsCaFile());
        assertEquals(dir.resolve("k.pem"), m.tlsKeyFile());
        assertFalse(m.tlsVerifyHostname());
        assertFalse(m.toString().contains("s3cret"), m.toString());
    }

    @Test
    void everyQueueAndLogKeyIsRead() throws Exception {
        AgentConfig c = load("queue.type = file", "queue.path = spool", "queue.capacity = 512KiB",
                "queue.max-messages = 5000", "queue.overflow = drop-newest", "queue.fsync = 2s",
                "queue.flush-rate = 50", "log.level = debug", "log.status-interval = 5m", "log.serial = /dev/serial0",
                "log.fold-window = 30s", "log.stack-traces = true");
        QueueSettings q = c.queue();
        assertEquals(QueueSettings.Type.FILE, q.type());
        assertEquals(dir.resolve("spool"), q.path());
        assertEquals(512 * 1024, q.capacityBytes());
        assertEquals(5000, q.maxMessages());
        assertEquals(OverflowPolicy.DROP_NEWEST, q.overflow());
        assertEquals(FsyncPolicy.everyMillis(2_000), q.fsync());
        assertEquals(50, q.flushRatePerSecond());
        assertEquals(new LogSettings(Level.DEBUG, "/dev/serial0", Duration.ofSeconds(30), true), c.log());
        assertEquals(300_000, c.statusIntervalMillis());
        assertEquals(FsyncPolicy.never(), load("queue.fsync = never").queue().fsync());
        assertEquals(FsyncPolicy.everyRecords(1), load("queue.fsync = 1 record").queue().fsync());
        assertEquals(FsyncPolicy.everyRecords(100), load("queue.fsync = 100 records").queue().fsync());
    }

    @Test
    void everyCommonSensorKeyIsRead() throws Exception {
        SensorConfig s = load("sensor.t.type = sim-sine", "sensor.t.topic = ${client-id}/${sensor}",
                "sensor.t.qos = 2", "sensor.t.retain = true", "sensor.t.interval = 10ms", "sensor.t.format = json",
                "sensor.t.decimals = 4", "sensor.t.scale = 1.8", "sensor.t.offset = 32", "sensor.t.deadband = 0.5",
                "sensor.t.max-silence = 5m", "sensor.t.max-age = 1h", "sensor.t.unit = F",
                "sensor.t.period = 30s", "sensor.t.amplitude = 2.5", "sensor.t.center = 20")
                .sensors().get(1);
        assertEquals("garage-pi/t", s.topic());
        assertEquals(2, s.qos());
        assertTrue(s.retain());
        assertEquals(10, s.intervalMillis());
        assertEquals(SensorConfig.Format.JSON, s.format());
        assertEquals(4, s.decimals());
        assertEquals(1.8, s.scale());
        assertEquals(32.0, s.offset());
        assertEquals(0.5, s.deadband());
        assertEquals(300_000, s.maxSilenceMillis());
        assertEquals(3_600_000, s.maxAgeMillis());
        assertEquals("F", s.unit());
        assertEquals(new SensorOptions.SimSine(30_000, 2.5, 20.0), s.options());
    }

    @Test
    void typeSpecificKeysAreParsedAndNormalised() throws Exception {
        List<SensorConfig> s = load("sensor.env.type = bme280", "sensor.env.topic = garage/env",
                "sensor.env.address = 0x77", "sensor.env.bus = 3",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = garage/adc", "sensor.adc.channel = 7",
                "sensor.adc.output = volts", "sensor.adc.reference-voltage = 5",
                "sensor.w1.type = ds18b20", "sensor.w1.topic = garage/w1", "sensor.w1.device = 28-0123456789AB",
                "sensor.dht.type = dht22", "sensor.dht.topic = garage/dht",
                "sensor.cpu.type = cpu-temperature", "sensor.cpu.topic = garage/cpu",
                "sensor.walk.type = sim-random-walk", "sensor.walk.topic = garage/walk", "sensor.walk.seed = 7",
                "sensor.door.type = gpio-input", "sensor.door.topic = garage/door", "sensor.door.pin = 4",
                "sensor.door.pull = up", "sensor.door.inverted = yes", "sensor.door.debounce = 50ms",
                "sensor.door.on-payload = open", "sensor.door.off-payload = closed").sensors();
        SensorConfig env = find(s, "env");
        assertEquals(new SensorOptions.Bme280(3, 0x77), env.options());
        assertEquals(List.of("garage/env/temperature", "garage/env/humidity", "garage/env/pressure"), env.topics());
        assertNull(env.unit());
        SensorConfig adc = find(s, "adc");
        assertEquals(new SensorOptions.Mcp3008(0, 0, 7, true, 5.0), adc.options(), "the bus is the board's");
        assertEquals(new SensorOptions.Ds18b20("28-0123456789ab"), find(s, "w1").options());
        assertEquals("C", find(s, "w1").unit());
        assertEquals(new SensorOptions.Dht22("dht11", 3), find(s, "dht").options());
        assertEquals(List.of("garage/dht/temperature", "garage/dht/humidity"), find(s, "dht").topics());
        assertEquals(new SensorOptions.CpuTemperature(0), find(s, "cpu").options());
        assertEquals(new SensorOptions.SimRandomWalk(7L, 0.1, 0.0), find(s, "walk").options());
        SensorConfig door = find(s, "door");
        assertEquals(new SensorOptions.GpioInput(4, "up", true, 50, "open", "closed"), door.options());
        assertThrows(IllegalArgumentException.class, () -> door.options(SensorOptions.Bme280.class));
    }

    /** The bus a block does not name is the board's, resolved here and not in the driver. */
    @Test
    void busesDefaultToTheBoardFilesBuses() throws Exception {
        Path boards = Files.createDirectories(dir.resolve("boards"));
        Files.write(boards.resolve("simulator.properties"), List.of("provider.digital-input = mock",
                "provider.i2c = mock", "provider.spi = mock", "i2c.bus = 3", "spi.bus = 2"));
        List<String> lines = with("sensor.env.type = bme280", "sensor.env.topic = e",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = a", "sensor.adc.channel = 1");
        List<SensorConfig> s = MappingFile.load(write(lines), List.of(boards)).sensors();
        assertEquals(new SensorOptions.Bme280(3, 0x76), find(s, "env").options());
        assertEquals(new SensorOptions.Mcp3008(2, 0, 1, false, 3.3), find(s, "adc").options());
    }

    @Test
    void optionsBuiltByHandGoThroughTheFilesReader() {
        SensorConfig sine = new SensorConfig("s", SensorType.SIM_SINE, "t", 0, false, 1000, SensorConfig.Format.PLAIN,
                2, 1, 0, 0, 0, 0, null, java.util.Map.of("period", "2s"));
        assertEquals(new SensorOptions.SimSine(2000, 1.0, 0.0), sine.options());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SensorConfig("s",
                SensorType.SIM_SINE, "t", 0, false, 1000, SensorConfig.Format.PLAIN, 2, 1, 0, 0, 0, 0, null,
                java.util.Map.of("perod", "2s")));
        assertEquals("perod: unknown key; did you mean 'period'?", e.getMessage());
    }

    private static SensorConfig find(List<SensorConfig> sensors, String name) {
        return sensors.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- one problem at a time ----

    @Test
    void missingRequiredKeys() throws IOException {
        assertEquals(List.of("board: missing; name a board (raspberry-pi-3b, raspberry-pi-4b, raspberry-pi-5, "
                + "raspberry-pi-zero-2w, simulator) or a board file path"), problemsOf(without("board")));
        assertEquals(List.of("mqtt.server: missing; the broker, e.g. tcp://192.168.1.10:1883 (several: comma-separated)"),
                problemsOf(without("mqtt.server")));
        assertEquals(List.of("mqtt.client-id: missing; the MQTT client id, unique per broker"),
                problemsOf(without("mqtt.client-id")));
        assertEquals(List.of("sensor.beat.topic: missing; the MQTT topic to publish to, e.g. garage/door"),
                problemsOf(without("sensor.beat.topic")));
        assertEquals(List.of("sensor.x.type: missing; one of gpio-input, ds18b20, bme280, mcp3008, dht22, "
                + "cpu-temperature, sim-counter, sim-sine, sim-random-walk, sim-switch"),
                problems("sensor.x.topic = a/x"));
        assertEquals(List.of("sensor.d.pin: missing; the BCM GPIO number (0-27) the input is wired to"),
                problems("sensor.d.type = gpio-input", "sensor.d.topic = a/d"));
        assertEquals(List.of("sensor.a.channel: missing; the MCP3008 input, 0-7"),
                problems("sensor.a.type = mcp3008", "sensor.a.topic = a/a"));
        assertEquals(List.of("queue.path: missing; queue.type = file needs a directory for the queue"),
                problems("queue.type = file"));
    }

    @Test
    void unknownKeysGetADidYouMean() throws IOException {
        assertEquals(List.of("mqtt.keepalive: unknown key; did you mean 'mqtt.keep-alive'?"),
                problems("mqtt.keepalive = 10s"));
        assertEquals(List.of("sensor.beat.intervall: unknown key; did you mean 'sensor.beat.interval'?"),
                problems("sensor.beat.intervall = 1s"));
        assertEquals(List.of("qeueu.type: unknown key; did you mean 'queue.type'?"), problems("qeueu.type = file"));
        assertEquals(List.of("colour: unknown key"), problems("colour = blue"));
        assertEquals(List.of("sensor.beat.pin: 'pin' is a key of gpio-input, not of sim-counter"),
                problems("sensor.beat.pin = 4"));
        assertEquals(List.of("sensor.beat.on-payload: 'on-payload' is a key of gpio-input, sim-switch, not of sim-counter"),
                problems("sensor.beat.on-payload = 1"));
        assertEquals(List.of("sensor.beat.type: 'sim-countr' is not a sensor type; did you mean 'sim-counter'?"),
                problemsOf(List.of("board = simulator", "mqtt.server = tcp://h", "mqtt.client-id = c",
                        "sensor.beat.type = sim-countr", "sensor.beat.topic = a/b")));
    }

    @Test
    void badNumbersAndOutOfRange() throws IOException {
        assertEquals(List.of("sensor.beat.qos: '3' is out of range 0 to 2"), problems("sensor.beat.qos = 3"));
        assertEquals(List.of("sensor.beat.qos: 'one' is not a whole number"), problems("sensor.beat.qos = one"));
        assertEquals(List.of("sensor.beat.interval: '5ms' is out of range 10ms to 24h"),
                problems("sensor.beat.interval = 5ms"));
        assertEquals(List.of("sensor.beat.interval: '10' has no unit; write e.g. 10ms or 10s"),
                problems("sensor.beat.interval = 10"));
        assertEquals(List.of("sensor.beat.decimals: '12' is out of range 0 to 9"), problems("sensor.beat.decimals = 12"));
        assertEquals(List.of("sensor.beat.scale: 'x2' is not a number"), problems("sensor.beat.scale = x2"));
        assertEquals(List.of("sensor.beat.scale: 'NaN' is not a number"), problems("sensor.beat.scale = NaN"));
        assertEquals(List.of("sensor.beat.deadband: '-1' is out of range 0 to 1000000000000"),
                problems("sensor.beat.deadband = -1"));
        assertEquals(List.of("sensor.beat.retain: 'maybe' is not one of true, yes, on, false, no, off (any case)"),
                problems("sensor.beat.retain = maybe"));
        assertEquals(List.of("sensor.beat.retain: '1' is not one of true, yes, on, false, no, off (any case)"),
                problems("sensor.beat.retain = 1"));
        for (String yes : List.of("TRUE", "Yes", "on")) {
            assertEquals(List.of(), problems("sensor.beat.retain = " + yes), yes);
        }
        assertEquals(List.of("sensor.beat.format: 'xml' is not one of plain, json"), problems("sensor.beat.format = xml"));
        assertEquals(List.of("mqtt.inflight-window: '0' is out of range 1 to 65533"), problems("mqtt.inflight-window = 0"));
        assertEquals(List.of("mqtt.inflight-window: '65534' is out of range 1 to 65533"),
                problems("mqtt.inflight-window = 65534")); // the status and the SUBSCRIBE need a packet id each besides the window
        assertEquals(List.of("mqtt.broker-inflight-limit: '0' is out of range 1 to 65535"),
                problems("mqtt.broker-inflight-limit = 0"));
        assertEquals(List.of("mqtt.keep-alive: MQTT keep alive is in whole seconds"), problems("mqtt.keep-alive = 1500ms"));
        assertEquals(List.of("mqtt.keep-alive: '19h' is out of range 0ms to 65535s"), problems("mqtt.keep-alive = 19h"));
        assertEquals(List.of("mqtt.max-packet-size: '8MB': use binary units KiB, MiB or GiB (1 KiB = 1024 bytes)"),
                problems("mqtt.max-packet-size = 8MB"));
        assertEquals(List.of("mqtt.reconnect.min-delay: is larger than mqtt.reconnect.max-delay"),
                problems("mqtt.reconnect.min-delay = 2m", "mqtt.reconnect.max-delay = 1m"));
        assertEquals(List.of("queue.capacity: '1' is out of range 4096 to 1073741824 bytes"),
                problems("queue.capacity = 1"));
        assertEquals(List.of("queue.overflow: 'drop-all' is not one of drop-oldest, drop-newest"),
                problems("queue.overflow = drop-all"));
        assertEquals(List.of("queue.fsync: 'often' is not a duration; write e.g. 500ms, 10s, 5m or 1h "
                + "(write never, a duration such as 1s, or a count such as 100 records)"), problems("queue.fsync = often"));
        assertEquals(List.of("queue.fsync: '0 records' is not a record count of at least 1 "
                + "(write never, a duration such as 1s, or a count such as 100 records)"),
                problems("queue.fsync = 0 records"));
        assertEquals(List.of("queue.fsync: '1s, 100 records' names more than one rule; choose one "
                + "(write never, a duration such as 1s, or a count such as 100 records)"),
                problems("queue.fsync = 1s, 100 records"));
        assertEquals(List.of("mqtt.keep-alive: 0 turns keep alive off, and with it the detection of a silently dead "
                + "link; use 1s or more"), problems("mqtt.keep-alive = 0"));
        assertEquals(List.of("log.fold-window: 'soon' is not a duration; write e.g. 500ms, 10s, 5m or 1h"),
                problems("log.fold-window = soon"));
        assertEquals(List.of("log.level: 'verbose' is not one of debug, info, warn, error"),
                problems("log.level = verbose"));
        assertEquals(List.of("log.status-interval: must be 0 (off) or at least 1s"),
                problems("log.status-interval = 10ms"));
    }

    @Test
    void typeSpecificValuesAreChecked() throws IOException {
        assertEquals(List.of("sensor.d.pin: '28' is out of range 0 to 27"),
                problems("sensor.d.type = gpio-input", "sensor.d.topic = a/d", "sensor.d.pin = 28"));
        assertEquals(List.of("sensor.d.pull: 'sideways' is not one of up, down, off"),
                problems("sensor.d.type = gpio-input", "sensor.d.topic = a/d", "sensor.d.pin = 5",
                        "sensor.d.pull = sideways"));
        assertEquals(List.of("sensor.d.on-payload: equals off-payload; a subscriber could not tell the states apart"),
                problems("sensor.d.type = sim-switch", "sensor.d.topic = a/d", "sensor.d.on-payload = x",
                        "sensor.d.off-payload = x"));
        assertEquals(List.of("sensor.d.decimals: sim-switch is digital and publishes its on/off payloads; "
                + "decimals, scale, offset and deadband do not apply"),
                problems("sensor.d.type = sim-switch", "sensor.d.topic = a/d", "sensor.d.decimals = 2"));
        assertEquals(List.of("sensor.e.address: a BME280 answers on 0x76 or 0x77 only"),
                problems("sensor.e.type = bme280", "sensor.e.topic = a/e", "sensor.e.address = 0x40"));
        assertEquals(List.of("sensor.e.unit: bme280 publishes [temperature, humidity, pressure] each with its own unit"),
                problems("sensor.e.type = bme280", "sensor.e.topic = a/e", "sensor.e.unit = C"));
        assertEquals(List.of("sensor.a.channel: '8' is out of range 0 to 7"),
                problems("sensor.a.type = mcp3008", "sensor.a.topic = a/a", "sensor.a.channel = 8"));
        assertEquals(List.of("sensor.t.device: '28-xyz' is not a 1-wire id like 28-0123456789ab"),
                problems("sensor.t.type = ds18b20", "sensor.t.topic = a/t", "sensor.t.device = 28-xyz"));
        assertEquals(List.of("sensor.a!b.type: sensor name 'a!b' may only use letters, digits, '_' and '-'"),
                problems("sensor.a!b.type = sim-counter", "sensor.a!b.topic = a/ab"));
    }

    @Test
    void invalidTopicsAndTemplates() throws IOException {
        assertEquals(List.of("sensor.beat.topic: invalid topic: topic name 'garage/+' contains wildcard '+' at index 7; "
                + "wildcards are only allowed in subscriptions"), problems("sensor.beat.topic = garage/+"));
        assertEquals(List.of("sensor.beat.topic: invalid topic '$SYS/x': topics starting with $ are reserved for the broker"),
                problems("sensor.beat.topic = $SYS/x"));
        assertEquals(List.of("sensor.beat.topic: 'a/${host}' uses unknown template ${host}; use ${client-id} or ${sensor}"),
                problems("sensor.beat.topic = a/${host}"));
        assertEquals(List.of("sensor.beat.topic: 'a/${sensor' has an unclosed ${"), problems("sensor.beat.topic = a/${sensor"));
        assertEquals(List.of("mqtt.status-topic: 'x/${sensor}' uses unknown template ${sensor}; use ${client-id}"),
                problems("mqtt.status-topic = x/${sensor}"));
        assertEquals("garage-pi/beat/count", assertDoesNotThrow("sensor.beat.topic = ${client-id}/${sensor}/count"));
    }

    private String assertDoesNotThrow(String line) {
        try {
            return load(line).sensors().get(0).topic();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void twoSensorsCannotShareAPinOrATopic() throws IOException {
        assertEquals(List.of("sensor.b.pin: GPIO 17 is already used by sensor.a"),
                problems("sensor.a.type = gpio-input", "sensor.a.topic = x/a", "sensor.a.pin = 17",
                        "sensor.b.type = gpio-input", "sensor.b.topic = x/b", "sensor.b.pin = 17"));
        assertEquals(List.of("sensor.c.topic: 'garage/heartbeat' is already used by sensor.beat.topic"),
                problems("sensor.c.type = sim-sine", "sensor.c.topic = garage/heartbeat"));
        // A multi-quantity sensor claims topic/<quantity> too.
        assertEquals(List.of("sensor.t.topic: 'env/temperature' is already used by sensor.env.topic"),
                problems("sensor.env.type = bme280", "sensor.env.topic = env",
                        "sensor.t.type = sim-sine", "sensor.t.topic = env/temperature"));
        assertEquals(List.of("sensor.beat.topic: 'garage-pi/status' is already used by mqtt.status-topic"),
                problems("sensor.beat.topic = ${client-id}/status"));
        assertEquals(List.of("sensor.f.address: I2C bus 1 address 0x76 is already used by sensor.e"),
                problems("sensor.e.type = bme280", "sensor.e.topic = e", "sensor.f.type = bme280", "sensor.f.topic = f"));
    }

    @Test
    void serverUrlsAreCheckedByTheSessionsOwnParser() throws IOException {
        List<String> lines = without("mqtt.server");
        lines.add("mqtt.server = ssl://ok:8883, tcp://h:99999");
        assertEquals(List.of("mqtt.server: broker URL 'tcp://h:99999' has port 99999; expected a number from 1 "
                + "to 65535"), problemsOf(lines));
        lines.set(lines.size() - 1, "mqtt.server = http://h:80");
        assertEquals(List.of("mqtt.server: broker URL 'http://h:80' has unknown scheme 'http': use tcp:// (plain) "
                + "or ssl:// (TLS)"), problemsOf(lines));
    }

    /** Each of these once passed --check and then failed at start, or the reverse. */
    @Test
    void whatCheckAcceptsTheSessionConnectsTo() throws Exception {
        for (String url : List.of("tcp://[fe80::1%eth0]:1883", "tcp://mqtt_broker:1883", "ssl://[::1]")) {
            List<String> lines = without("mqtt.server");
            lines.add("mqtt.server = " + url);
            AgentConfig c = MappingFile.load(write(lines), List.of(Path.of("board-configs")));
            ServerAddress s = c.mqtt().servers().get(0);
            Endpoint e = Endpoints.parse(s.toString()).current(); // what the agent hands the session
            assertEquals(List.of(s.tls(), s.host(), s.port()), List.of(e.isTls(), e.host(), e.port()), url);
        }
    }

    @Test
    void sizesTheBrokerWouldRefuseAreRejected() throws IOException {
        String megabyte = "p".repeat(1 << 20);
        List<String> report = problems("mqtt.username = u", "mqtt.password = " + megabyte);
        assertEquals(List.of("mqtt.password: is 1048576 bytes; MQTT carries at most 65535 (check that the right "
                + "file or line was pasted)"), report);
        List<String> lines = without("mqtt.client-id");
        lines.add("mqtt.client-id = " + "c".repeat(40_000));
        assertEquals(List.of("mqtt.client-id: is 40000 bytes; at most 128 (AWS IoT Core's limit; MQTT 3.1.1 "
                + "promises only 23, mosquitto takes 65,535)"), problemsOf(lines));
        lines.set(lines.size() - 1, "mqtt.client-id = " + "c".repeat(128));
        assertEquals(List.of(), problemsOf(lines));
        assertEquals(List.of("mqtt.username: is 70000 bytes or holds U+0000; MQTT carries at most 65535 bytes "
                + "without U+0000"), problems("mqtt.username = " + "u".repeat(70_000)));
    }

    @Test
    void userInfoInAServerUrlIsRejectedWithoutPrintingIt() throws IOException {
        List<String> lines = without("mqtt.server");
        lines.add("mqtt.server = tcp://garage:hunter2@broker:1883");
        List<String> report = problemsOf(lines);
        assertEquals(List.of("mqtt.server: broker URL 'tcp://...@broker:1883' has user info before '@' (not shown): "
                + "put the user in mqtt.username and the password in mqtt.password"), report);
    }

    @Test
    void tlsFilesMustExistAndNeedAnSslServer() throws IOException {
        assertEquals(List.of("mqtt.tls.ca-file: file not found: " + dir.resolve("nope.pem"),
                "mqtt.tls.ca-file: set, but no ssl:// server in mqtt.server uses TLS"),
                problems("mqtt.tls.ca-file = nope.pem"));
        Files.writeString(dir.resolve("c.pem"), "x");
        List<String> lines = without("mqtt.server");
        lines.addAll(List.of("mqtt.server = ssl://h", "mqtt.tls.cert-file = c.pem"));
        assertEquals(List.of("mqtt.tls.key-file: missing; a client certificate needs both mqtt.tls.cert-file "
                + "and mqtt.tls.key-file"), problemsOf(lines));
    }

    @Test
    void thePasswordNeverAppearsInAReport() throws IOException {
        List<String> report = problems("mqtt.password = hunter2");
        assertEquals(List.of("mqtt.password: set without mqtt.username; MQTT 3.1.1 sends a password only with a user name"),
                report);
        Path file = write(new ArrayList<>(List.of("board = simulator", "mqtt.password = hunter2",
                "mqtt.pasword = hunter2")));
        ConfigException e = assertThrows(ConfigException.class,
                () -> MappingFile.load(file, List.of(Path.of("board-configs"))));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void boardNotFoundByNameOrPath() throws IOException {
        List<String> lines = without("board");
        lines.add("board = raspberry-pi-9");
        assertEquals(List.of("board: 'raspberry-pi-9' is not a board; did you mean 'raspberry-pi-5'? built in: "
                + "raspberry-pi-3b, raspberry-pi-4b, raspberry-pi-5, raspberry-pi-zero-2w, simulator; or a path to a "
                + "board file (no raspberry-pi-9.properties in [board-configs])"), problemsOf(lines));
        lines.set(lines.size() - 1, "board = boards/mine.properties");
        assertEquals(List.of("board: board file not found: " + dir.resolve("boards/mine.properties")
                + "; give an existing file, or a built-in board: " + String.join(", ", BoardConfig.BUILT_IN)),
                problemsOf(lines));
    }

    /** Outside the repository no board-configs/ is near: the jar's own board files answer. */
    @Test
    void aBuiltInBoardNeedsNoBoardDirectory() throws Exception {
        AgentConfig c = MappingFile.load(write(MINIMAL), List.of(dir.resolve("nowhere")));
        assertEquals("simulator", c.board().name());
        assertTrue(c.board().simulated());
    }

    @Test
    void aBoardFileInABoardDirectoryOverridesTheBuiltInOne() throws Exception {
        Path boards = Files.createDirectories(dir.resolve("boards"));
        Files.write(boards.resolve("simulator.properties"), List.of("name = my-simulator", "provider.digital-input = mock",
                "provider.i2c = mock", "provider.spi = mock", "i2c.bus = 3"));
        AgentConfig c = MappingFile.load(write(MINIMAL), List.of(boards));
        assertEquals("my-simulator", c.board().name());
        assertEquals(3, c.board().i2cBus());
    }

    @Test
    void aBoardGivenAsAPathIsValidatedWithTheSameReport() throws Exception {
        Files.createDirectories(dir.resolve("boards"));
        Files.write(dir.resolve("boards/mine.properties"), List.of("name = mine", "i2c.bus = -1",
                "provider.i2c = mock", "w1.base = fixtures/w1"));
        List<String> lines = without("board");
        lines.add("board = boards/mine.properties");
        assertEquals(List.of("board mine.properties line 2: i2c.bus: '-1' is out of range 0 to 255"), problemsOf(lines));
        Files.write(dir.resolve("boards/mine.properties"), List.of("name = mine", "w1.base = fixtures/w1"));
        AgentConfig c = MappingFile.load(write(lines), List.of());
        assertEquals(dir.resolve("boards/fixtures/w1"), c.board().w1Base());
    }

    @Test
    void aMappingFileThatDoesNotExist() {
        ConfigException e = assertThrows(ConfigException.class, () -> MappingFile.load(dir.resolve("none.properties")));
        assertEquals(List.of(dir.resolve("none.properties") + ": file not found"), e.problems());
    }

    @Test
    void oneFileWithManyProblemsGivesOneReportListingAllOfThem() throws IOException {
        List<String> report = problemsOf(List.of(
                "board = raspberry-pi-6",
                "mqtt.server = tcp://broker:1883",
                "mqtt.keepalive = 10s",
                "mqtt.password = topsecret",
                "mqtt.inflight-window = lots",
                "queue.type = disk",
                "queue.capacity = 8MB",
                "log.level = loud",
                "sensor.door.type = gpio-input",
                "sensor.door.pin = 17",
                "sensor.door.topic = garage/door",
                "sensor.door.qos = 3",
                "sensor.window.type = gpio-input",
                "sensor.window.pin = 17",
                "sensor.window.topic = garage/door",
                "sensor.temp.type = bme281",
                "sensor.temp.topic = garage/#",
                "sensor.beat.type = sim-counter",
                "sensor.beat.interval = 1ms"));
        assertEquals(List.of(
                "board: 'raspberry-pi-6' is not a board; did you mean 'raspberry-pi-5'? built in: raspberry-pi-3b, "
                        + "raspberry-pi-4b, raspberry-pi-5, raspberry-pi-zero-2w, simulator; or a path to a board file "
                        + "(no raspberry-pi-6.properties in [board-configs])",
                "mqtt.client-id: missing; the MQTT client id, unique per broker",
                "mqtt.password: set without mqtt.username; MQTT 3.1.1 sends a password only with a user name",
                "mqtt.inflight-window: 'lots' is not a whole number",
                "queue.type: 'disk' is not one of memory, file",
                "queue.capacity: '8MB': use binary units KiB, MiB or GiB (1 KiB = 1024 bytes)",
                "log.level: 'loud' is not one of debug, info, warn, error",
                "sensor.beat.topic: missing; the MQTT topic to publish to, e.g. garage/door",
                "sensor.beat.interval: '1ms' is out of range 10ms to 24h",
                "sensor.door.qos: '3' is out of range 0 to 2",
                "sensor.temp.type: 'bme281' is not a sensor type; did you mean 'bme280'?",
                "sensor.temp.topic: invalid topic: topic name 'garage/#' contains wildcard '#' at index 7; "
                        + "wildcards are only allowed in subscriptions",
                "sensor.window.topic: 'garage/door' is already used by sensor.door.topic",
                "sensor.window.pin: GPIO 17 is already used by sensor.door",
                "mqtt.keepalive: unknown key; did you mean 'mqtt.keep-alive'?"), report);
        assertFalse(String.join("\n", report).contains("topsecret"));
    }

    // ---- Home Assistant discovery and outputs ----

    @Test
    void homeAssistantIsOffByDefaultAndDerivesItsIdsFromTheClientId() throws Exception {
        AgentConfig c = load();
        assertEquals(new HaSettings(false, "homeassistant", "garage-pi", "garage-pi", null), c.ha());
        assertEquals(HaOverrides.defaults(), c.sensors().get(0).ha());
        assertEquals(List.of(), c.outputs());
        List<String> lines = without("mqtt.client-id");
        lines.add("mqtt.client-id = garage pi/2");
        AgentConfig odd = MappingFile.load(write(lines), List.of(Path.of("board-configs")));
        assertEquals("garage_pi_2", odd.ha().nodeId(), "node id sanitised to [a-zA-Z0-9_-]");
        assertEquals("garage pi/2", odd.ha().deviceName());
    }

    @Test
    void everyHaKeyIsRead() throws Exception {
        AgentConfig c = load("ha.discovery = true", "ha.prefix = ha/test", "ha.node-id = pi_7",
                "ha.device-name = Garage Pi", "ha.state-file = state/ha.txt",
                "sensor.beat.ha.component = sensor", "sensor.beat.ha.device-class = duration",
                "sensor.beat.ha.unit = s", "sensor.beat.ha.name = Heartbeat", "sensor.beat.ha.expire-after = 5m",
                "sensor.beat.ha.enabled = false");
        assertEquals(new HaSettings(true, "ha/test", "pi_7", "Garage Pi", dir.resolve("state/ha.txt")), c.ha());
        assertEquals(new HaOverrides(false, "sensor", "duration", "s", "Heartbeat", 300_000, null, null, null), c.sensors().get(0).ha());
    }

    @Test
    void theStateFileDefaultsToTheFileQueuesDirectory() throws Exception {
        assertEquals(dir.resolve("spool/ha-announced.txt"),
                load("queue.type = file", "queue.path = spool").ha().stateFile());
    }

    @Test
    void haValuesAreChecked() throws IOException {
        assertEquals(List.of("ha.node-id: 'pi 7' may only use letters, digits, '_' and '-'"),
                problems("ha.node-id = pi 7"));
        assertEquals(List.of("ha.prefix: 'ha/' must be a topic like homeassistant: not empty, no leading or "
                + "trailing '/', not starting with $"), problems("ha.prefix = ha/"));
        assertEquals(List.of("ha.prefix: invalid topic: topic name 'ha/#/status' contains wildcard '#' at index 3; "
                + "wildcards are only allowed in subscriptions"), problems("ha.prefix = ha/#"));
        assertEquals(List.of("ha.discovery: 'sometimes' is not one of true, yes, on, false, no, off (any case)"),
                problems("ha.discovery = sometimes"));
        assertEquals(List.of("sensor.beat.ha.component: 'light' is not one of sensor, binary_sensor"),
                problems("sensor.beat.ha.component = light"));
        assertEquals(List.of("sensor.beat.ha.component: sim-counter publishes numbers; binary_sensor needs a "
                + "digital type (gpio-input, sim-switch)"), problems("sensor.beat.ha.component = binary_sensor"));
        assertEquals(List.of("sensor.beat.ha.device-class: 'Temperature' is not a Home Assistant sensor device class; "
                + "did you mean 'temperature'?"), problems("sensor.beat.ha.device-class = Temperature"));
        assertEquals(List.of("sensor.beat.ha.expire-after: Home Assistant counts it in whole seconds"),
                problems("sensor.beat.ha.expire-after = 1500ms"));
        assertEquals(List.of("sensor.e.ha.unit: bme280 announces [temperature, humidity, pressure] each with its "
                + "own class and unit; ha.unit applies to one-value sensors"),
                problems("sensor.e.type = bme280", "sensor.e.topic = e", "sensor.e.ha.unit = K"));
        assertEquals(List.of("sensor.beat.ha.nme: unknown key; did you mean 'sensor.beat.ha.name'?"),
                problems("sensor.beat.ha.nme = x"));
        assertEquals(List.of(), problems("sensor.d.type = sim-switch", "sensor.d.topic = a/d",
                "sensor.d.ha.component = binary_sensor", "sensor.d.ha.device-class = door"));
    }

    @Test
    void anOutputGetsTheDocumentedDefaults() throws Exception {
        OutputConfig o = load("output.pump.type = gpio-output", "output.pump.pin = 22").outputs().get(0);
        assertEquals(new OutputConfig("pump", 22, false, false, "garage-pi/pump/set", "garage-pi/pump/state", "ON",
                "OFF", 0, OutputConfig.SafeState.OFF, 60_000, 1, HaOverrides.defaults()), o);
    }

    @Test
    void everyOutputKeyIsRead() throws Exception {
        OutputConfig o = load("output.gate.type = gpio-output", "output.gate.pin = 5", "output.gate.inverted = true",
                "output.gate.initial = on", "output.gate.command-topic = site/${output}/cmd",
                "output.gate.state-topic = site/${client-id}/${output}", "output.gate.on-payload = open",
                "output.gate.off-payload = shut", "output.gate.on-for = 500ms", "output.gate.safe-state = keep",
                "output.gate.safe-after = 2m", "output.gate.qos = 2", "output.gate.ha.name = Gate",
                "output.gate.ha.device-class = switch", "output.gate.ha.enabled = no").outputs().get(0);
        assertEquals(new OutputConfig("gate", 5, true, true, "site/gate/cmd", "site/garage-pi/gate", "open", "shut",
                500, OutputConfig.SafeState.KEEP, 120_000, 2,
                new HaOverrides(false, null, "switch", null, "Gate", HaOverrides.DERIVED, null, null, null)), o);
    }

    @Test
    void outputValuesAreChecked() throws IOException {
        assertEquals(List.of("output.r.pin: missing; the BCM GPIO number (0-27) the output drives"),
                problems("output.r.type = gpio-output"));
        assertEquals(List.of("output.r.type: missing; gpio-output (the only output type)"),
                problems("output.r.pin = 4"));
        assertEquals(List.of("output.r.type: 'pwm' is not an output type; use gpio-output"),
                problems("output.r.type = pwm", "output.r.pin = 4"));
        String[] base = {"output.r.type = gpio-output", "output.r.pin = 4"};
        assertEquals(List.of("output.r.pin: '40' is out of range 0 to 27"),
                problems("output.r.type = gpio-output", "output.r.pin = 40"));
        assertEquals(List.of("output.r.initial: 'maybe' is not one of on, off"), problems(with(base, "output.r.initial = maybe")));
        assertEquals(List.of("output.r.safe-state: 'open' is not one of off, on, keep"),
                problems(with(base, "output.r.safe-state = open")));
        assertEquals(List.of("output.r.on-for: '5ms' is out of range 10ms to 24h"), problems(with(base, "output.r.on-for = 5ms")));
        assertEquals(List.of("output.r.on-payload: equals off-payload; a subscriber could not tell the states apart"),
                problems(with(base, "output.r.on-payload = OFF")));
        assertEquals(List.of("output.r.off-payload: may not be empty"), problems(with(base, "output.r.off-payload =")));
        assertEquals(List.of("output.r.command-topic: invalid topic: topic name 'r/+' contains wildcard '+' at index 2; "
                + "wildcards are only allowed in subscriptions"), problems(with(base, "output.r.command-topic = r/+")));
        assertEquals(List.of("output.r.state-topic: 'x/${sensor}' uses unknown template ${sensor}; use ${client-id} "
                + "or ${output}"), problems(with(base, "output.r.state-topic = x/${sensor}")));
        assertEquals(List.of("output.r.ha.unit: outputs are announced as switches; ha.unit does not apply"),
                problems(with(base, "output.r.ha.unit = V")));
        assertEquals(List.of("output.r.on-fr: unknown key; did you mean 'output.r.on-for'?"),
                problems(with(base, "output.r.on-fr = 1s")));
        assertEquals(List.of("output.r!.type: output name 'r!' may only use letters, digits, '_' and '-'"),
                problems("output.r!.type = gpio-output", "output.r!.pin = 4"));
    }

    @Test
    void outputsCannotShareAPinOrATopicWithAnythingElse() throws IOException {
        assertEquals(List.of("output.b.pin: GPIO 17 is already used by output.a"),
                problems("output.a.type = gpio-output", "output.a.pin = 17",
                        "output.b.type = gpio-output", "output.b.pin = 17"));
        assertEquals(List.of("output.r.pin: GPIO 17 is already used by sensor.door"),
                problems("sensor.door.type = gpio-input", "sensor.door.topic = x/door", "sensor.door.pin = 17",
                        "output.r.type = gpio-output", "output.r.pin = 17"));
        assertEquals(List.of("output.r.state-topic: 'garage/heartbeat' is already used by sensor.beat.topic"),
                problems("output.r.type = gpio-output", "output.r.pin = 4", "output.r.state-topic = garage/heartbeat"));
        assertEquals(List.of("output.r.command-topic: 'garage-pi/r/state' is published to by output.r.state-topic; "
                + "it would read its own messages as commands"),
                problems("output.r.type = gpio-output", "output.r.pin = 4", "output.r.command-topic = ${client-id}/r/state"));
        assertEquals(List.of("output.b.command-topic: 'x/set' is already used by output.a.command-topic"),
                problems("output.a.type = gpio-output", "output.a.pin = 4", "output.a.command-topic = x/set",
                        "output.b.type = gpio-output", "output.b.pin = 5", "output.b.command-topic = x/set"));
    }

    @Test
    void atMostFifteenOutputsFitTheSessionsSubscriptions() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            lines.add("output.o" + (char) ('a' + i) + ".type = gpio-output");
            lines.add("output.o" + (char) ('a' + i) + ".pin = " + i);
        }
        assertEquals(List.of("output.op.type: at most 15 outputs (the session holds 16 subscriptions and one is "
                + "Home Assistant's status topic)"), problems(lines.toArray(new String[0])));
    }

    private static String[] with(String[] base, String... extra) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(extra));
        return all.toArray(new String[0]);
    }
}
