package dev.sensorpub.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A link lab for one test: a private network namespace whose loopback the kernel shapes into a thin
 * link ({@link ShapedLoopback}), a real mosquitto inside it, a counting {@code mosquitto_sub} on the
 * broker's unshaped second port, and the agent as its own process on the shaped port. Only
 * 127.0.0.1 inside the namespace is ever used. {@link #close()} (and JVM exit) stops every process
 * and deletes the namespace.
 *
 * <pre>{@code
 * try (LinkLab lab = LinkLab.open(LinkShape.sharedMedium(16), "lab/beat", dir)) {
 *     lab.startAgent(AgentCommand.fromTestClasspath(mapping.toString()));
 *     lab.blackHole(true); ... lab.blackHole(false);
 *     lab.arrivals().missingBelow(produced) ...
 * }
 * }</pre>
 */
public final class LinkLab implements AutoCloseable {
    /** The shaped port the agent connects to. */
    public static final int BROKER_PORT = 1883;
    /** The broker's unshaped port, for the counting subscriber only. */
    public static final int OBSERVER_PORT = 1884;

    private final NetworkNamespace ns;
    private final Path dir;
    private ShapedLoopback link;
    private NamespacedBroker broker;
    private CountingSubscriber subscriber;
    private Process agent;

    private LinkLab(NetworkNamespace ns, Path dir) {
        this.ns = ns;
        this.dir = dir;
    }

    /** Makes the namespace, shapes its loopback, starts mosquitto and the subscriber counting {@code topic}. */
    public static LinkLab open(LinkShape shape, String topic, Path dir) {
        NetworkNamespace ns = NetworkNamespace.create();
        LinkLab lab = new LinkLab(ns, dir);
        try {
            lab.link = ShapedLoopback.apply(ns, BROKER_PORT, shape);
            lab.broker = NamespacedBroker.start(ns, dir, BROKER_PORT, OBSERVER_PORT);
            lab.subscriber = CountingSubscriber.start(ns, OBSERVER_PORT, topic, "lab-counter");
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** {@code tcp://127.0.0.1:1883}, as seen from inside the namespace. */
    public String brokerUrl() {
        return "tcp://127.0.0.1:" + BROKER_PORT;
    }

    /** Starts the agent inside the namespace; its output goes to {@link #agentLogFile()}. */
    public Process startAgent(List<String> command) {
        if (agent != null) {
            throw new IllegalStateException("this lab's agent was already started");
        }
        agent = ns.start(command, agentLogFile());
        return agent;
    }

    /** SIGTERM to the agent (it drains for a few seconds), SIGKILL if it lingers; its exit code. */
    public int stopAgent() {
        if (agent == null) {
            throw new IllegalStateException("this lab's agent was never started");
        }
        return NetworkNamespace.stop(agent);
    }

    public boolean agentAlive() {
        return agent != null && agent.isAlive();
    }

    public Path agentLogFile() {
        return dir.resolve("agent.log");
    }

    public String agentLog() {
        try {
            return Files.exists(agentLogFile()) ? Files.readString(agentLogFile(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + agentLogFile() + ": " + e.getMessage() + ")";
        }
    }

    /** The link goes silent in both directions (true), or comes back (false). */
    public void blackHole(boolean on) {
        link.blackHole(on);
    }

    public ShapedLoopback.LinkCounters counters() {
        return link.counters();
    }

    public LinkShape shape() {
        return link.shape();
    }

    /** When {@code clientId} connected to the broker (System.nanoTime), in order. */
    public List<Long> connectsOf(String clientId) {
        return new ArrayList<>(broker.connectsOf(clientId));
    }

    public Arrivals arrivals() {
        return subscriber.arrivals();
    }

    public String brokerLog() {
        return broker == null ? "" : broker.log();
    }

    /** The lab's namespace, to run other tools inside it. */
    public NetworkNamespace namespace() {
        return ns;
    }

    @Override
    public void close() {
        ns.close();
    }
}
