package dev.sensorpub.agent;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.ha.AnnouncedEntities;
import dev.sensorpub.ha.Discovery;
import dev.sensorpub.ha.DiscoveryMessage;
import dev.sensorpub.ha.HomeAssistantStatus;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.output.Outputs;
import dev.sensorpub.output.StatePublisher;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import dev.sensorpub.session.InboundHandler;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.time.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The MQTT traffic that is not readings: GPIO outputs switched by commands (with their state
 * echoed, and a safe state when the link stays down), and Home Assistant discovery (announced at
 * start, again when Home Assistant restarts, and cleared for entities that were removed).
 * Everything it publishes is retained and goes through the {@link ControlLane}, ahead of the
 * reading backlog and out of reach of the queue's overflow policy; only what the lane cannot
 * hold (more distinct topics than its slots) falls back to the queue.
 */
final class ControlPlane implements InboundHandler, StatePublisher, AutoCloseable {
    private static final Logger LOG = Log.logger("agent");

    private final AgentConfig config;
    private final Discovery discovery;
    private final HomeAssistantStatus haStatus;
    private final Outputs outputs;
    private final Clock clock;
    /** What the last run announced, read once: its clears need lane slots of their own. */
    private final Set<String> announcedBefore;
    private final List<DiscoveryMessage> clears;
    private MessageQueue queue;
    private ControlLane lane;

    /** Opens the outputs at their initial level; {@code hardware} may be null when there are none. */
    ControlPlane(AgentConfig config, Pi4jHardware hardware, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.discovery = Discovery.of(config, Version.current());
        this.haStatus = new HomeAssistantStatus(config.ha().prefix(), HomeAssistantStatus.DEFAULT_MIN_GAP_MILLIS);
        this.outputs = Outputs.open(config.outputs(), hardware == null ? null : hardware::gpioOutput,
                clock.monotonicMillis());
        Path stateFile = config.ha().stateFile();
        this.announcedBefore = stateFile == null ? Set.of() : AnnouncedEntities.load(stateFile);
        this.clears = discovery.clearsFor(announcedBefore);
    }

    /** The largest topic + payload this publishes, for sizing the queue and the session. */
    int maxMessageBytes() {
        int max = 0;
        for (DiscoveryMessage m : clears) {
            max = Math.max(max, m.topic().length());
        }
        if (config.ha().discovery()) {
            for (DiscoveryMessage m : discovery.configs()) {
                max = Math.max(max, m.topic().length() + m.payload().length);
            }
        }
        for (OutputConfig o : config.outputs()) {
            max = Math.max(max, utf8(o.stateTopic()) + Math.max(utf8(o.onPayload()), utf8(o.offPayload())));
        }
        return max;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Slots for the control lane: every discovery config, every clear of a removed entity and
     * every output state has its own topic, plus room for the health message and a few more.
     */
    int laneSlots() {
        return (config.ha().discovery() ? discovery.configs().size() : 0) + clears.size() + config.outputs().size()
                + 16;
    }

    /** Subscribes to commands and Home Assistant's status, and queues the announcement. */
    void start(MqttSession session, MessageQueue queue, ControlLane lane) {
        this.queue = queue;
        this.lane = lane;
        if (config.ha().discovery()) {
            session.subscribe(haStatus.subscription(), 0);
        }
        for (int i = 0; i < outputs.size(); i++) {
            session.subscribe(outputs.get(i).commandFilter(), outputs.get(i).qos());
        }
        outputs.publishChanges(this); // the initial state of every output
        announce();
    }

    private void announce() {
        Path stateFile = config.ha().stateFile();
        for (DiscoveryMessage m : clears) {
            publishRetained(m.topic(), m.payload(), DiscoveryMessage.QOS);
        }
        if (config.ha().discovery()) {
            for (DiscoveryMessage m : discovery.configs()) {
                publishRetained(m.topic(), m.payload(), DiscoveryMessage.QOS);
            }
            LOG.info("home assistant: " + discovery.configs().size() + " entities announced"
                    + (stateFile == null ? " (set ha.state-file to clear removed ones)" : ", " + clears.size() + " removed"));
        } else if (!clears.isEmpty()) {
            LOG.info("home assistant: discovery is off; " + clears.size() + " entities removed");
        }
        haStatus.announced(clock.monotonicMillis());
        if (stateFile != null && !announcedBefore.equals(discovery.topics())) {
            try {
                AnnouncedEntities.save(stateFile, discovery.topics());
            } catch (IOException e) {
                LOG.warn("home assistant: cannot save " + stateFile + ": " + Problems.describe(e));
            }
        }
    }

    @Override
    public void onMessage(IncomingPacket publish) {
        if (!haStatus.onMessage(publish) && !outputs.onMessage(publish, clock.monotonicMillis())) {
            LOG.debug("message on a topic nobody handles; ignored");
        }
    }

    /**
     * Output timers and the safe state, state echoes, and a due re-announcement.
     *
     * @return true if something was queued (the loop then lets the session send it at once)
     */
    boolean tick(long nowMillis, boolean linkIsUp) {
        outputs.tick(nowMillis, linkIsUp);
        boolean queued = outputs.publishChanges(this) > 0;
        if (config.ha().discovery() && haStatus.announcementDue(nowMillis)) {
            for (DiscoveryMessage m : discovery.configs()) {
                publishRetained(m.topic(), m.payload(), DiscoveryMessage.QOS);
            }
            haStatus.announced(nowMillis);
            LOG.info("home assistant is online: announced " + discovery.configs().size() + " entities again");
            queued = true;
        }
        return queued;
    }

    long nextDeadlineMillis() {
        return Math.min(outputs.nextDeadlineMillis(), haStatus.nextDeadlineMillis());
    }

    /** Applies each output's safe state (unless it keeps its state) and queues the echo. */
    void shutdown(long nowMillis) {
        outputs.shutdown(nowMillis);
        outputs.publishChanges(this);
    }

    @Override
    public void publishRetained(Topic topic, byte[] payload, int qos) {
        if (lane.offer(topic.bytes(), 0, topic.length(), payload, 0, payload.length, true)) {
            return;
        }
        LOG.warn("control lane full: " + topic + " waits behind the readings");
        if (queue.append(topic.bytes(), 0, topic.length(), payload, 0, payload.length, qos, true,
                clock.epochMillis(), 0) < 0) {
            LOG.warn("could not queue the retained message for " + topic + " (queue full)");
        }
    }

    @Override
    public void close() {
        outputs.close();
    }
}
