package dev.sensorpub.output;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import java.util.List;
import java.util.Locale;

/**
 * Every configured output, for the agent's loop: one call per inbound message, one per round,
 * one to publish what changed. Built once at start; the calls allocate nothing.
 */
public final class Outputs implements AutoCloseable {
    private static final Logger LOG = Log.logger("output");

    private final OutputController[] controllers;
    private final DigitalOutput[] lines;

    private Outputs(OutputController[] controllers, DigitalOutput[] lines) {
        this.controllers = controllers;
        this.lines = lines;
    }

    /**
     * Opens each output's line at its initial level (Pi4J's shutdown level is the safe state,
     * so even a context shutdown leaves relays safe).
     */
    public static Outputs open(List<OutputConfig> configs, LineOpener opener, long nowMillis) {
        OutputController[] controllers = new OutputController[configs.size()];
        DigitalOutput[] lines = new DigitalOutput[configs.size()];
        for (int i = 0; i < controllers.length; i++) {
            OutputConfig c = configs.get(i);
            Boolean shutdownHigh = c.safeState() == OutputConfig.SafeState.KEEP ? null
                    : (c.safeState() == OutputConfig.SafeState.ON) != c.inverted();
            try {
                lines[i] = opener.open(c.pin(), c.initialOn() != c.inverted(), shutdownHigh);
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) {
                    lines[j].close();
                }
                throw new IllegalStateException("output " + c.name() + ": cannot open GPIO " + c.pin() + " ("
                        + Problems.describe(e) + ")", e);
            }
            controllers[i] = new OutputController(c, lines[i], nowMillis);
            LOG.info(c.name() + ": " + lines[i].describe() + (c.inverted() ? " inverted" : "")
                    + ", initial " + (c.initialOn() ? "on" : "off") + ", safe "
                    + c.safeState().name().toLowerCase(Locale.ROOT)
                    + (c.safeState() == OutputConfig.SafeState.KEEP ? "" : " after " + c.safeAfterMillis() + " ms"));
            // Its command topic is named by the "subscribed to" line when the link comes up.
        }
        return new Outputs(controllers, lines);
    }

    public int size() {
        return controllers.length;
    }

    public OutputController get(int index) {
        return controllers[index];
    }

    /** Routes an inbound PUBLISH to the output whose command topic it names; false when none does. */
    public boolean onMessage(IncomingPacket publish, long nowMillis) {
        for (OutputController c : controllers) {
            if (c.onMessage(publish, nowMillis)) {
                return true;
            }
        }
        return false;
    }

    /** Pulses and safe states; call every loop round with whether the session is CONNECTED. */
    public void tick(long nowMillis, boolean linkIsUp) {
        for (OutputController c : controllers) {
            c.tick(nowMillis, linkIsUp);
        }
    }

    /**
     * Hands every pending state echo to {@code publisher}; returns how many, so the loop can
     * service the session again at once instead of sleeping on an echo it just queued.
     */
    public int publishChanges(StatePublisher publisher) {
        int published = 0;
        for (OutputController c : controllers) {
            if (c.takeStateToPublish()) {
                publisher.publishRetained(c.stateTopic(), c.statePayload(), c.qos());
                published++;
            }
        }
        return published;
    }

    /** The earliest deadline of any output (pulse end, safe state); Long.MAX_VALUE if none. */
    public long nextDeadlineMillis() {
        long deadline = Long.MAX_VALUE;
        for (OutputController c : controllers) {
            deadline = Math.min(deadline, c.nextDeadlineMillis());
        }
        return deadline;
    }

    /** Applies every safe state (unless keep); publish the changes before the session disconnects. */
    public void shutdown(long nowMillis) {
        for (OutputController c : controllers) {
            c.shutdown(nowMillis);
        }
    }

    @Override
    public void close() {
        for (DigitalOutput line : lines) {
            line.close();
        }
    }
}
