package dev.sensorpub.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.MappingFile;
import dev.sensorpub.output.OutputController;
import dev.sensorpub.output.Outputs;
import dev.sensorpub.output.StatePublisher;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.sensor.pi4j.Pi4jDigitalOutput;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import dev.sensorpub.session.LinkState;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionSettings;
import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery and a GPIO output against a real mosquitto, wired the way the agent's loop wires
 * them: configs through the queue (retained), commands through the session's subscription, the
 * state echoed retained, the safe state after an outage made by a black-hole proxy.
 */
class HomeAssistantBrokerTest {
    private static final long TIMEOUT = 20_000;

    @TempDir
    Path dir;

    private MqttSession session;
    private MqttSession sender;
    private MemoryQueue queue;
    private Outputs outputs;
    private HomeAssistantStatus haStatus;
    private Discovery discovery;
    /** The time the last round ran with: the clock the outputs saw. */
    private long roundMillis;

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private static MemoryQueue memoryQueue() {
        return new MemoryQueue(1 << 20, 10_000, OverflowPolicy.DROP_OLDEST, 4096);
    }

    private static void appendRetained(MessageQueue q, Topic topic, byte[] payload, int qos) {
        append(q, topic, payload, qos, true);
    }

    private static void append(MessageQueue q, Topic topic, byte[] payload, int qos, boolean retain) {
        if (q.append(topic.bytes(), 0, topic.length(), payload, 0, payload.length, qos, retain,
                System.currentTimeMillis(), 0) < 0) {
            throw new IllegalStateException("queue refused " + topic);
        }
    }

    private void announce(List<DiscoveryMessage> messages) {
        for (DiscoveryMessage m : messages) {
            appendRetained(queue, m.topic(), m.payload(), DiscoveryMessage.QOS);
        }
    }

    /** One round of the agent's loop, as far as discovery and outputs are concerned. */
    private void round(StatePublisher publisher) {
        long now = now();
        roundMillis = now;
        session.service(now);
        sender.service(now);
        outputs.tick(now, session.state() == LinkState.CONNECTED);
        outputs.publishChanges(publisher);
        if (haStatus.announcementDue(now)) {
            announce(discovery.configs());
        }
        session.await(2);
    }

    private boolean runUntil(BooleanSupplier done, StatePublisher publisher) {
        long deadline = now() + TIMEOUT;
        while (!done.getAsBoolean()) {
            if (now() > deadline) {
                return false;
            }
            round(publisher);
        }
        return true;
    }

    @Test
    void configsAreRetainedCommandsSwitchTheOutputAndTheSafeStateFollowsAnOutage() throws Exception {
        Path mapping = dir.resolve("mapping.properties");
        Files.write(mapping, List.of("board = simulator", "mqtt.server = tcp://127.0.0.1:1", "mqtt.client-id = garage-pi",
                "ha.discovery = true", "ha.state-file = ha-announced.txt",
                "sensor.beat.type = sim-counter", "sensor.beat.topic = garage/beat",
                "output.pump.type = gpio-output", "output.pump.pin = 22", "output.pump.safe-after = 1s"));
        AgentConfig config = MappingFile.load(mapping, List.of(Path.of("board-configs")));
        String oldTopic = "homeassistant/sensor/garage-pi/old/config";
        AnnouncedEntities.save(config.ha().stateFile(), List.of(oldTopic));

        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             Pi4jHardware hardware = Pi4jHardware.start(config.board())) {
            MemoryQueue senderQueue = memoryQueue();
            sender = new MqttSession(SessionSettings.builder(broker.url(), "ha-test-sender").keepAliveSeconds(5)
                    .reconnectDelays(100, 1_000, 5_000).build(), senderQueue, p -> { });
            // An earlier run announced "old"; this run no longer has it.
            appendRetained(senderQueue, Topic.name(oldTopic), "{\"name\":\"old\"}".getBytes(StandardCharsets.UTF_8), 1);
            // A stale retained command: the broker hands it to every new subscription.
            appendRetained(senderQueue, Topic.name("garage-pi/pump/set"), bytes("ON"), 1);
            long seeded = now() + TIMEOUT;
            while (!sender.isDrained() && now() < seeded) {
                sender.service(now());
                sender.await(5);
            }
            assertTrue(sender.isDrained(), "the old config and the stale command are on the broker");

            // ---- start-up, as the agent does it ----
            queue = memoryQueue();
            discovery = Discovery.of(config, "test");
            List<DiscoveryMessage> clears = discovery.clearsFor(AnnouncedEntities.load(config.ha().stateFile()));
            Pi4jDigitalOutput[] pin = new Pi4jDigitalOutput[1];
            outputs = Outputs.open(config.outputs(), (bcm, initialHigh, shutdownHigh) ->
                    pin[0] = hardware.gpioOutput(bcm, initialHigh, shutdownHigh), now());
            OutputController pump = outputs.get(0);
            haStatus = new HomeAssistantStatus(config.ha().prefix(), 1_000);
            session = new MqttSession(SessionSettings.builder(proxy.url(), "garage-pi").statusTopic("garage-pi/status")
                    .keepAliveSeconds(2).reconnectDelays(100, 500, 5_000).connectTimeoutMillis(1_000).build(), queue,
                    (IncomingPacket p) -> {
                        if (!haStatus.onMessage(p)) {
                            outputs.onMessage(p, now());
                        }
                    });
            session.subscribe(haStatus.subscription(), 0);
            for (int i = 0; i < outputs.size(); i++) {
                session.subscribe(outputs.get(i).commandFilter(), outputs.get(i).qos());
            }
            StatePublisher publisher = (topic, payload, qos) -> appendRetained(queue, topic, payload, qos);
            announce(clears);
            announce(discovery.configs());
            haStatus.announced(now());
            AnnouncedEntities.save(config.ha().stateFile(), discovery.topics());
            assertTrue(runUntil(() -> session.state() == LinkState.CONNECTED && session.isDrained()
                    && pump.ignoredCommands() == 1, publisher));
            assertFalse(pump.isOn(), "the retained ON was ignored");
            appendRetained(senderQueue, Topic.name("garage-pi/pump/set"), new byte[0], 1); // removes it

            // ---- configs retained, the old entity removed ----
            try (MosquittoSubscriber late = MosquittoSubscriber.start(broker, "homeassistant/#", 1, null)) {
                late.awaitMessages(2, TIMEOUT);
                Thread.sleep(300); // retained messages come at once; a third (the old one) would be here by now
                List<String> got = late.messages();
                assertEquals(2, got.size(), got.toString());
                assertTrue(got.get(0).startsWith("homeassistant/sensor/garage-pi/beat/config {\"name\":\"beat\""),
                        got.get(0));
                assertTrue(got.get(1).startsWith("homeassistant/switch/garage-pi/pump/config {\"name\":\"pump\""),
                        got.get(1));
            }
            assertEquals(Set.of("homeassistant/sensor/garage-pi/beat/config", "homeassistant/switch/garage-pi/pump/config"),
                    AnnouncedEntities.load(config.ha().stateFile()));

            try (MosquittoSubscriber state = MosquittoSubscriber.start(broker, "garage-pi/pump/state", 1, null);
                 MosquittoSubscriber configs = MosquittoSubscriber.start(broker, "homeassistant/+/garage-pi/+/config", 1,
                         null)) {
                assertEquals(List.of("garage-pi/pump/state OFF"), state.awaitMessages(1, TIMEOUT), "initial, retained");
                assertEquals(2, configs.awaitMessages(2, TIMEOUT).size());

                // ---- a command switches the output, the state is echoed ----
                append(senderQueue, Topic.name("garage-pi/pump/set"), bytes("ON"), 1, false);
                assertTrue(runUntil(pump::isOn, publisher));
                assertTrue(pin[0].isHigh(), "the Pi4J mock line is high");
                assertTrue(runUntil(() -> state.messages().size() >= 2, publisher));
                assertEquals(List.of("garage-pi/pump/state OFF", "garage-pi/pump/state ON"), state.messages());

                // ---- Home Assistant restarts: everything is announced again ----
                append(senderQueue, Topic.name("homeassistant/status"), bytes("online"), 0, false);
                assertTrue(runUntil(() -> configs.messages().size() >= 4, publisher), configs.messages().toString());
                assertEquals(1, haStatus.births());

                // ---- an outage longer than safe-after: the relay falls safe, HA learns it afterwards ----
                proxy.blackHole();
                assertTrue(runUntil(() -> session.state() != LinkState.CONNECTED, publisher), "outage detected");
                long down = roundMillis;
                assertTrue(runUntil(() -> !pump.isOn(), publisher));
                assertTrue(roundMillis - down >= 1_000, "not before safe-after: " + (roundMillis - down) + " ms");
                assertFalse(pin[0].isHigh());
                proxy.restore();
                assertTrue(runUntil(() -> state.messages().size() >= 3, publisher));
                assertEquals("garage-pi/pump/state OFF", state.messages().get(2));
            }
            session.close();
            sender.close();
            outputs.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
