package dev.sensorpub.output;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One output's state machine, driven by the loop thread: commands from its command topic, the
 * end of a pulse ({@code on-for}), and the safe state once the broker link has been down for
 * {@code safe-after}. After every command and every change the state is due to be echoed,
 * retained, on the state topic ({@link #takeStateToPublish}).
 *
 * <p>Times are the loop's monotonic milliseconds. Nothing here blocks or, after construction,
 * allocates, except the rate-limited warning lines of the error paths.
 *
 * <p>Retained commands are ignored: the broker would replay one after every reconnect and undo
 * the safe state with a stale order. An empty payload (how a retained command is removed) is
 * ignored without a warning.
 */
public final class OutputController {
    private static final Logger LOG = Log.logger("output");
    private static final int UNKNOWN_PAYLOAD = 0;
    private static final int RETAINED_COMMAND = 1;
    private static final int WRITE_FAILED = 2;
    private static final int MAX_SHOWN_PAYLOAD = 16;

    private final String name;
    private final DigitalOutput line;
    private final boolean inverted;
    private final Topic commandTopic;
    private final Topic stateTopic;
    private final byte[] onPayload;
    private final byte[] offPayload;
    private final long onForMillis;
    private final OutputConfig.SafeState safeState;
    private final long safeAfterMillis;
    private final int qos;
    private final RateLimiter warnings = new RateLimiter(3, Duration.ofMinutes(1));

    private boolean on;
    private boolean pulsing;
    private long pulseEndsAtMillis;
    private boolean linkUp;
    private long linkDownSinceMillis;
    private boolean safeApplied;
    private boolean statePending;

    private long commands;
    private long ignoredCommands;
    private long writeFailures;
    private long safeStateApplications;

    /** Drives the initial state now; the link counts as down from {@code nowMillis} until a tick says otherwise. */
    public OutputController(OutputConfig config, DigitalOutput line, long nowMillis) {
        this.name = config.name();
        this.line = line;
        this.inverted = config.inverted();
        this.commandTopic = Topic.name(config.commandTopic());
        this.stateTopic = Topic.name(config.stateTopic());
        this.onPayload = config.onPayload().getBytes(StandardCharsets.UTF_8);
        this.offPayload = config.offPayload().getBytes(StandardCharsets.UTF_8);
        this.onForMillis = config.onForMillis();
        this.safeState = config.safeState();
        this.safeAfterMillis = config.safeAfterMillis();
        this.qos = config.qos();
        this.linkDownSinceMillis = nowMillis;
        drive(config.initialOn(), nowMillis);
        if (config.initialOn() && onForMillis > 0) {
            pulsing = true;
            pulseEndsAtMillis = nowMillis + onForMillis;
        }
        statePending = true;
    }

    /** The filter to subscribe with, at {@link #qos()}. */
    public Topic commandFilter() {
        return Topic.filter(commandTopic.toString());
    }

    public int qos() {
        return qos;
    }

    public String name() {
        return name;
    }

    /**
     * Handles {@code publish} if it arrived on this output's command topic; returns whether it did.
     * The on or off payload switches the output (ON starts or restarts a pulse when {@code on-for}
     * is set); anything else is counted, logged at most once a minute, and changes nothing.
     */
    public boolean onMessage(IncomingPacket publish, long nowMillis) {
        if (!publish.topicEquals(commandTopic)) {
            return false;
        }
        if (publish.retain()) {
            ignoredCommands++;
            if (warnings.tryAcquire(RETAINED_COMMAND, nowMillis * 1_000_000)) {
                // A retained command would replay after every reconnect.
                LOG.warn(name + ": retained command ignored (send without retain)" + countSince(RETAINED_COMMAND));
            }
            return true;
        }
        if (publish.payloadLength() == 0) {
            ignoredCommands++; // someone removing a retained command: nothing to do, nothing to warn about
            return true;
        }
        if (payloadIs(publish, onPayload)) {
            commands++;
            pulsing = onForMillis > 0;
            pulseEndsAtMillis = nowMillis + onForMillis;
            drive(true, nowMillis);
        } else if (payloadIs(publish, offPayload)) {
            commands++;
            pulsing = false;
            drive(false, nowMillis);
        } else {
            ignoredCommands++;
            if (warnings.tryAcquire(UNKNOWN_PAYLOAD, nowMillis * 1_000_000)) {
                LOG.warn(name + ": ignored command '" + shown(publish) + "'; expected '"
                        + new String(onPayload, StandardCharsets.UTF_8) + "' or '"
                        + new String(offPayload, StandardCharsets.UTF_8) + "'" + countSince(UNKNOWN_PAYLOAD));
            }
            return true;
        }
        // Echo after every valid command, even an unchanged state: a controller that missed an
        // echo (or guessed) learns the truth.
        statePending = true;
        return true;
    }

    /**
     * Called every loop round. Ends a pulse that is due, and applies the safe state once the link
     * has been down for {@code safe-after} (once per outage; a command after the link returns may
     * switch the output again).
     */
    public void tick(long nowMillis, boolean linkIsUp) {
        if (pulsing && nowMillis - pulseEndsAtMillis >= 0) {
            pulsing = false;
            drive(false, nowMillis);
        }
        if (linkIsUp) {
            linkUp = true;
            safeApplied = false;
            return;
        }
        if (linkUp) {
            linkUp = false;
            linkDownSinceMillis = nowMillis;
        }
        if (!safeApplied && safeState != OutputConfig.SafeState.KEEP
                && nowMillis - linkDownSinceMillis >= safeAfterMillis) {
            applySafeState(nowMillis, "link down for " + (nowMillis - linkDownSinceMillis) + " ms");
        }
    }

    /** At shutdown: the safe state (unless {@code keep}), to be echoed before the session disconnects. */
    public void shutdown(long nowMillis) {
        if (safeState != OutputConfig.SafeState.KEEP) {
            applySafeState(nowMillis, "shutting down");
        }
    }

    private void applySafeState(long nowMillis, String why) {
        boolean safeOn = safeState == OutputConfig.SafeState.ON;
        pulsing = false;
        boolean changed = on != safeOn;
        if (changed && !drive(safeOn, nowMillis)) {
            return; // retried at the next tick
        }
        safeApplied = true;
        if (changed) {
            safeStateApplications++;
            LOG.info(name + ": " + why + ", safe state " + (safeOn ? "on" : "off") + " applied");
        }
    }

    /** The latest time {@link #tick} must run: a pulse's end or the safe-state deadline; Long.MAX_VALUE if none. */
    public long nextDeadlineMillis() {
        long deadline = pulsing ? pulseEndsAtMillis : Long.MAX_VALUE;
        if (!linkUp && !safeApplied && safeState != OutputConfig.SafeState.KEEP) {
            deadline = Math.min(deadline, linkDownSinceMillis + safeAfterMillis);
        }
        return deadline;
    }

    /** True once after every change or command: publish {@link #statePayload()} to {@link #stateTopic()}, retained. */
    public boolean takeStateToPublish() {
        boolean pending = statePending;
        statePending = false;
        return pending;
    }

    public Topic stateTopic() {
        return stateTopic;
    }

    /** The on or off payload for the current state; callers must not modify it. */
    public byte[] statePayload() {
        return on ? onPayload : offPayload;
    }

    public boolean isOn() {
        return on;
    }

    public long commands() {
        return commands;
    }

    /** Unknown payloads and retained commands. */
    public long ignoredCommands() {
        return ignoredCommands;
    }

    public long writeFailures() {
        return writeFailures;
    }

    public long safeStateApplications() {
        return safeStateApplications;
    }

    /** Sets the line for logical {@code wantOn}; false (state unchanged) when the hardware refused. */
    private boolean drive(boolean wantOn, long nowMillis) {
        try {
            line.write(wantOn != inverted);
        } catch (RuntimeException e) {
            writeFailures++;
            if (warnings.tryAcquire(WRITE_FAILED, nowMillis * 1_000_000)) {
                LOG.warn(name + ": " + line.describe() + " write failed", e);
            }
            return false;
        }
        if (on != wantOn) {
            on = wantOn;
            statePending = true;
        }
        return true;
    }

    private static boolean payloadIs(IncomingPacket p, byte[] expected) {
        if (p.payloadLength() != expected.length) {
            return false;
        }
        byte[] buffer = p.buffer();
        int offset = p.payloadOffset();
        for (int i = 0; i < expected.length; i++) {
            if (buffer[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** How many of a kind the rate limit kept quiet since its last line; nothing on a first line. */
    private String countSince(int kind) {
        int more = warnings.refusedBefore(kind);
        return more == 0 ? "" : " (" + more + " more)";
    }

    /** Up to 32 characters of the payload, non-printable bytes as '?', for a warning line. */
    private static String shown(IncomingPacket p) {
        int n = Math.min(p.payloadLength(), MAX_SHOWN_PAYLOAD);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            int b = p.buffer()[p.payloadOffset() + i] & 0xFF;
            out[i] = b >= 0x20 && b < 0x7f ? (char) b : '?';
        }
        return new String(out) + (p.payloadLength() > n ? "..." : "");
    }
}
