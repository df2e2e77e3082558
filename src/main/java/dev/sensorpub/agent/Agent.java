package dev.sensorpub.agent;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.MqttSettings;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
import dev.sensorpub.config.ServerAddress;
import dev.sensorpub.log.Counts;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.payload.PayloadFormatter;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.FileQueue;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.MessageQueues;
import dev.sensorpub.queue.QueueSettings;
import dev.sensorpub.sensor.EventHandoff;
import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorFactory;
import dev.sensorpub.sensor.SensorSchedule;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import dev.sensorpub.session.LinkState;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionSettings;
import dev.sensorpub.time.Clock;
import dev.sensorpub.transport.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;

/**
 * The running program: builds every part from the configuration once, then runs the
 * firmware-style loop on one thread: sensors that are due, the queue, the session, the status
 * line. It sleeps only until the next deadline, or until a GPIO edge or a stop request wakes it.
 */
final class Agent {
    private static final Logger LOG = Log.logger("agent");
    /** On SIGTERM, how long the link may take to deliver the backlog before the rest stays queued. */
    static final long SHUTDOWN_DRAIN_MILLIS = 5_000;
    private static final int EVENT_HANDOFF_CAPACITY = 256;
    private static final int MIN_SEND_BUFFER = 64 * 1024;

    private final AgentConfig config;
    /** The one clock of the loop: monotonic for every deadline, wall only for stamps. */
    private final Clock clock;
    private final Pi4jHardware hardware;
    private final List<Sensor> sensors;
    private final MessageQueue queue;
    private final QueueingSink sink;
    private final SensorSchedule schedule;
    private final MqttSession session;
    private final Vitals vitals;
    private final HealthReport health;
    private final SystemdNotifier systemd;
    private final ControlPlane controls;
    private final ControlLane lane;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean stopRequestedBySignal;
    private int exitStatus;

    private Agent(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Pi4jHardware hw = null;
        List<Sensor> created = new ArrayList<>();
        ControlPlane control;
        try {
            if (SensorFactory.needsHardware(config.sensors()) || !config.outputs().isEmpty()) {
                hw = Pi4jHardware.start(config.board());
                LOG.info(hw.describe());
            }
            SensorFactory factory = new SensorFactory(config.board(), hw);
            for (SensorConfig c : config.sensors()) {
                created.add(factory.create(c));
            }
            control = new ControlPlane(config, hw, clock);
        } catch (RuntimeException e) {
            closeAll(created, hw);
            throw e;
        }
        this.hardware = hw;
        this.sensors = created;
        this.controls = control;

        int n = created.size();
        String[] names = new String[n];
        byte[][][] topics = new byte[n][][];
        PayloadFormatter[][] formatters = new PayloadFormatter[n][];
        int[] qos = new int[n];
        boolean[] retain = new boolean[n];
        long[] maxAge = new long[n];
        String healthTopic = config.mqtt().clientId() + "/health";
        int maxMessageBytes = Math.max(256, control.maxMessageBytes());
        List<SensorSchedule.Entry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SensorConfig c = config.sensors().get(i);
            Sensor sensor = created.get(i);
            List<Quantity> quantities = sensor.quantities();
            List<String> topicNames = c.topics();
            names[i] = c.name();
            qos[i] = c.qos();
            retain[i] = c.retain();
            maxAge[i] = c.maxAgeMillis();
            topics[i] = new byte[quantities.size()][];
            formatters[i] = new PayloadFormatter[quantities.size()];
            for (int q = 0; q < quantities.size(); q++) {
                topics[i][q] = Topic.name(topicNames.get(q)).bytes();
                formatters[i][q] = formatter(c, quantities.get(q));
                maxMessageBytes = Math.max(maxMessageBytes, topics[i][q].length + formatters[i][q].maxLength());
            }
            entries.add(SensorSchedule.Entry.of(c, sensor));
        }
        maxMessageBytes = Math.max(maxMessageBytes, HealthReport.maxMessageBytes(healthTopic, names));
        this.queue = MessageQueues.open(config.queue(), maxMessageBytes, clock);
        this.sink = new QueueingSink(names, topics, formatters, qos, retain, maxAge, queue, clock);
        this.lane = new ControlLane(control.laneSlots(), maxMessageBytes);
        // A file queue may hold readings of an older mapping file with longer topics: they still go out.
        int sessionMessageBytes = Math.max(maxMessageBytes, queue.largestRecoveredMessageBytes());
        this.session = new MqttSession(sessionSettings(config.mqtt(), sessionMessageBytes,
                config.queue().flushRatePerSecond()), queue, lane, controls, clock);
        controls.start(session, queue, lane);
        EventHandoff handoff = new EventHandoff(EVENT_HANDOFF_CAPACITY);
        handoff.onOffer(session::wakeup);
        this.schedule = new SensorSchedule(entries, sink, handoff, clock);
        this.vitals = Vitals.of(schedule);
        this.health = new HealthReport(Topic.name(healthTopic), Version.current(), names);
        this.systemd = SystemdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    /** Builds everything; a sensor that cannot be opened or a queue that cannot be made is fatal. */
    static Agent start(AgentConfig config) {
        return new Agent(config, Clock.SYSTEM);
    }

    private static PayloadFormatter formatter(SensorConfig c, Quantity q) {
        boolean json = c.format() == SensorConfig.Format.JSON;
        if (q.digital()) {
            SensorOptions.Digital payloads = c.options(SensorOptions.Digital.class);
            return PayloadFormatter.digital(json, payloads.onPayload(), payloads.offPayload());
        }
        return PayloadFormatter.number(json, c.decimals(), c.scale(), c.offset(), c.unit() != null ? c.unit() : q.unit());
    }

    static SessionSettings sessionSettings(MqttSettings m, int maxMessageBytes, int flushRatePerSecond) {
        StringJoiner servers = new StringJoiner(",");
        boolean anyTls = false;
        for (ServerAddress s : m.servers()) {
            servers.add(s.toString());
            anyTls |= s.tls();
        }
        SessionSettings.Builder b = SessionSettings.builder(servers.toString(), m.clientId())
                .cleanSession(m.cleanSession())
                .keepAliveSeconds(m.keepAliveSeconds())
                .statusTopic(m.statusTopic())
                .inflightWindow(m.inflightWindow())
                .brokerInflightLimit(m.brokerInflightLimit())
                .maxPacketSize(m.maxPacketSize())
                .maxMessageBytes(maxMessageBytes)
                .sendBufferSize(Math.max(MIN_SEND_BUFFER, 4 * (maxMessageBytes + 64)))
                .connectTimeoutMillis(m.connectTimeoutMillis())
                .flushRatePerSecond(flushRatePerSecond)
                .reconnectDelays(m.reconnectMinDelayMillis(), m.reconnectMaxDelayMillis(), m.reconnectResetAfterMillis());
        if (m.username() != null) {
            b.credentials(m.username(), m.password() == null ? null : m.password().getBytes(StandardCharsets.UTF_8));
        }
        if (anyTls) {
            b.tls(new TlsSettings(m.tlsCaFile(), m.tlsCertFile(), m.tlsKeyFile(), m.tlsVerifyHostname()));
        }
        return b.build();
    }

    /** Runs the loop on the calling thread until {@link #requestStop()}; returns the exit status. */
    int run() {
        LOG.info("publishing " + sensors.size() + " sensors to " + session.currentServer() + " as '"
                + config.mqtt().clientId() + "'");
        long statusEveryMillis = config.statusIntervalMillis();
        long nextStatus = clock.monotonicMillis() + (statusEveryMillis == 0 ? Long.MAX_VALUE / 4 : statusEveryMillis);
        long nextLogTick = clock.monotonicMillis() + 1_000;
        long startedMillis = clock.monotonicMillis();
        boolean wasUp = false;
        try {
            while (!stopRequested) {
                long wall = clock.epochMillis(); // for stamps only
                long sensorsDue = schedule.poll();
                long mono = clock.monotonicMillis();
                session.service(mono);
                if (controls.tick(mono, session.state() == LinkState.CONNECTED)) {
                    session.service(mono); // send a state echo now, not after the sleep
                }
                queue.tick(mono);
                boolean up = session.state() == LinkState.CONNECTED;
                boolean healthDue = statusEveryMillis > 0 && up && !wasUp; // a fresh report after every connect
                wasUp = up;
                if (mono >= nextStatus || healthDue) {
                    vitals.capture(queue, config.queue().type() == QueueSettings.Type.FILE, session, schedule,
                            Runtime.getRuntime(), mono - startedMillis);
                }
                if (mono >= nextStatus) {
                    String line = StatusLine.of(vitals);
                    LOG.info(line);
                    systemd.status(line);
                    healthDue |= up; // queued only while the link is up: one queued offline would be stale
                    nextStatus = mono + statusEveryMillis;
                }
                if (healthDue && health.publish(vitals, wall, lane)) {
                    session.service(mono);
                }
                // The log ticks on every pass (a few comparisons) and wakes the loop only after a
                // second without one: with readings every second or faster it costs no wakeup.
                Log.tick();
                nextLogTick = mono + 1_000;
                systemd.iterationDone(mono);
                long monotonicDue = Math.min(Math.min(session.nextDeadlineMillis(mono), controls.nextDeadlineMillis()),
                        Math.min(Math.min(nextStatus, nextLogTick), systemd.nextDeadlineMillis()));
                long wait = Math.min(sensorsDue, monotonicDue) - clock.monotonicMillis();
                if (!stopRequested) {
                    session.await(Math.max(0, wait));
                }
            }
            shutDown();
        } catch (RuntimeException | Error e) {
            LOG.error("fatal: " + Problems.describe(e));
            exitStatus = 1;
            closeQuietly();
        } finally {
            systemd.close();
            Log.flush();
            stopped.countDown();
        }
        return exitStatus;
    }

    private void shutDown() {
        LOG.info(stoppingLine(queue.counters().queuedMessages()));
        schedule.closeSensors();
        controls.shutdown(clock.monotonicMillis());
        for (int i = 0; i < schedule.size(); i++) {
            LOG.info("sensor " + schedule.name(i) + ": " + schedule.readCount(i) + " readings, "
                    + schedule.errorCount(i) + " errors");
        }
        boolean drained = session.drainAndDisconnect(SHUTDOWN_DRAIN_MILLIS);
        long left = queue.counters().queuedMessages();
        queue.sync();
        queue.close();
        controls.close();
        if (hardware != null) {
            hardware.close();
        }
        LOG.info(drained ? "stopped; nothing left to send" : stoppedLine(left, queue instanceof FileQueue));
    }

    static String stoppingLine(long queued) {
        return "stopping: " + Counts.of(queued, "message") + " queued";
    }

    static String stoppedLine(long left, boolean kept) {
        return "stopped; " + Counts.of(left, "message") + " left in the queue" + (kept ? "" : " (lost: memory queue)");
    }

    private void closeQuietly() {
        try {
            session.close();
            queue.close();
            controls.close();
        } catch (RuntimeException ignored) {
            // already failing
        }
        closeAll(sensors, hardware);
    }

    private static void closeAll(List<Sensor> sensors, Pi4jHardware hw) {
        for (Sensor s : sensors) {
            try {
                s.close();
            } catch (Exception ignored) {
                // closing on the way out: nothing more to do
            }
        }
        if (hw != null) {
            hw.close();
        }
    }

    /** From any thread (the SIGTERM hook): the loop finishes its shutdown and {@link #run} returns. */
    void requestStop() {
        stopRequested = true;
        session.wakeup();
    }

    void requestStopBySignal() {
        stopRequestedBySignal = true;
        requestStop();
    }

    boolean stoppedBySignal() {
        return stopRequestedBySignal;
    }

    /** Waits for the loop to finish after {@link #requestStop()}; false if it did not in time. */
    boolean awaitStopped(long timeoutMillis) throws InterruptedException {
        return stopped.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    int exitStatus() {
        return exitStatus;
    }
}
