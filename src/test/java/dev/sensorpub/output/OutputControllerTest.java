package dev.sensorpub.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.config.HaOverrides;
import dev.sensorpub.config.OutputConfig.SafeState;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.InboundPublish;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The output state machine with a fake line and a clock the test moves by hand. */
class OutputControllerTest {
    private static final String SET = "pi/pump/set";
    private long now = 1_000_000;

    private static OutputConfig config(boolean inverted, boolean initialOn, long onFor, SafeState safe, long safeAfter) {
        return new OutputConfig("pump", 22, inverted, initialOn, SET, "pi/pump/state", "ON", "OFF", onFor, safe,
                safeAfter, 1, HaOverrides.defaults());
    }

    private static OutputConfig plain() {
        return config(false, false, 0, SafeState.OFF, 60_000);
    }

    private static String state(OutputController c) {
        return c.takeStateToPublish() ? c.stateTopic() + " " + new String(c.statePayload(), StandardCharsets.UTF_8)
                : "nothing";
    }

    @Test
    void startsAtItsInitialStateAndEchoesIt() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, true, 0, SafeState.OFF, 60_000), line, now);
        assertTrue(line.high);
        assertTrue(c.isOn());
        assertEquals("pi/pump/state ON", state(c));
        assertEquals("nothing", state(c), "echoed once");
    }

    @Test
    void onAndOffCommandsSwitchTheLineAndEveryCommandIsEchoed() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(plain(), line, now);
        state(c);
        assertTrue(c.onMessage(InboundPublish.of(SET, "ON"), now));
        assertTrue(line.high);
        assertEquals("pi/pump/state ON", state(c));
        assertTrue(c.onMessage(InboundPublish.of(SET, "ON"), now));
        assertEquals("pi/pump/state ON", state(c), "unchanged, still echoed: the controller learns the truth");
        assertTrue(c.onMessage(InboundPublish.of(SET, "OFF"), now));
        assertFalse(line.high);
        assertEquals("pi/pump/state OFF", state(c));
        assertEquals(List.of(false, true, true, false), line.writes);
        assertEquals(3, c.commands());
    }

    @Test
    void anInvertedOutputDrivesTheLineLowForOn() {
        FakeLine line = new FakeLine(22, true);
        OutputController c = new OutputController(config(true, false, 0, SafeState.OFF, 60_000), line, now);
        assertTrue(line.high, "off = high on an active-low relay board");
        c.onMessage(InboundPublish.of(SET, "ON"), now);
        assertFalse(line.high);
        assertTrue(c.isOn());
    }

    @Test
    void otherTopicsAreNotItsBusiness() {
        OutputController c = new OutputController(plain(), new FakeLine(22, false), now);
        assertFalse(c.onMessage(InboundPublish.of("pi/other/set", "ON"), now));
        assertFalse(c.isOn());
    }

    @Test
    void aLineUnderTheOutputComponentStartsWithTheOutputsNameNotTheWordOutputAgain() {
        try (CapturedLog log = new CapturedLog()) {
            OutputController c = new OutputController(plain(), new FakeLine(22, false), now);
            c.onMessage(InboundPublish.of(SET, "TOGGLE"), now);
            c.onMessage(InboundPublish.of(SET, "ON", 1, true), now);
            assertEquals(2, log.lines().size(), log.lines().toString());
            for (String line : log.lines()) {
                assertTrue(line.startsWith("WARN output pump: "), line);
            }
        }
    }

    @Test
    void anIgnoredCommandsLineCountsTheOnesKeptQuietSinceTheLastAndNothingTheFirstTime() {
        try (CapturedLog log = new CapturedLog()) {
            OutputController c = new OutputController(plain(), new FakeLine(22, false), now);
            c.onMessage(InboundPublish.of(SET, "TOGGLE"), now);
            c.onMessage(InboundPublish.of(SET, "TOGGLE"), now + 1);
            c.onMessage(InboundPublish.of(SET, "TOGGLE"), now + 2);
            c.onMessage(InboundPublish.of(SET, "TOGGLE"), now + 60_000);
            c.onMessage(InboundPublish.of(SET, "ON", 1, true), now + 60_000);
            assertEquals(List.of("WARN output pump: ignored command 'TOGGLE'; expected 'ON' or 'OFF'",
                    "WARN output pump: ignored command 'TOGGLE'; expected 'ON' or 'OFF' (2 more)",
                    "WARN output pump: retained command ignored (send without retain)"), log.lines());
        }
    }

    @Test
    void unknownPayloadsAndRetainedCommandsAreIgnoredAndCounted() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(plain(), line, now);
        state(c);
        assertTrue(c.onMessage(InboundPublish.of(SET, "on"), now), "consumed, case matters");
        assertTrue(c.onMessage(InboundPublish.of(SET, "TOGGLE"), now));
        assertTrue(c.onMessage(InboundPublish.of(SET, "ON", 1, true), now), "a retained ON replays after reconnects");
        assertTrue(c.onMessage(InboundPublish.of(SET, ""), now), "removing a retained command");
        assertFalse(c.isOn());
        assertEquals("nothing", state(c));
        assertEquals(4, c.ignoredCommands());
        assertEquals(0, c.commands());
    }

    @Test
    void aPulseEndsAfterOnForAndAnotherOnRestartsIt() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, false, 500, SafeState.OFF, 60_000), line, now);
        state(c);
        c.onMessage(InboundPublish.of(SET, "ON"), now);
        assertEquals("pi/pump/state ON", state(c));
        assertEquals(now + 500, c.nextDeadlineMillis() < now + 60_000 ? c.nextDeadlineMillis() : -1);
        c.tick(now + 300, true);
        assertTrue(line.high);
        c.onMessage(InboundPublish.of(SET, "ON"), now + 300);
        state(c);
        c.tick(now + 799, true);
        assertTrue(line.high, "restarted at +300: ends at +800");
        c.tick(now + 800, true);
        assertFalse(line.high);
        assertEquals("pi/pump/state OFF", state(c));
        assertEquals(Long.MAX_VALUE, c.nextDeadlineMillis(), "link up, no pulse: nothing due");
    }

    @Test
    void offEndsAPulseEarly() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, false, 500, SafeState.OFF, 60_000), line, now);
        c.tick(now, true);
        c.onMessage(InboundPublish.of(SET, "ON"), now);
        c.onMessage(InboundPublish.of(SET, "OFF"), now + 100);
        assertFalse(line.high);
        c.onMessage(InboundPublish.of(SET, "ON"), now + 450);
        c.tick(now + 600, true);
        assertTrue(line.high, "the first pulse's end no longer applies");
        c.tick(now + 950, true);
        assertFalse(line.high);
    }

    @Test
    void theSafeStateIsAppliedOnceTheLinkHasBeenDownForSafeAfter() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(plain(), line, now);
        c.tick(now, true);
        c.onMessage(InboundPublish.of(SET, "ON"), now);
        state(c);
        c.tick(now + 1_000, false);
        assertEquals(now + 61_000, c.nextDeadlineMillis());
        c.tick(now + 60_999, false);
        assertTrue(line.high, "not yet");
        c.tick(now + 61_000, false);
        assertFalse(line.high);
        assertEquals("pi/pump/state OFF", state(c), "echoed, delivered when the link returns");
        assertEquals(1, c.safeStateApplications());
        assertEquals(Long.MAX_VALUE, c.nextDeadlineMillis());

        c.tick(now + 70_000, true);
        c.onMessage(InboundPublish.of(SET, "ON"), now + 70_000);
        assertTrue(line.high, "a command after the link returned switches it again");
        c.tick(now + 80_000, false);
        c.tick(now + 139_999, false);
        assertTrue(line.high);
        c.tick(now + 140_000, false);
        assertFalse(line.high, "the next outage applies it again");
        assertEquals(2, c.safeStateApplications());
    }

    @Test
    void aLinkThatNeverCameUpCountsAsDownFromTheStart() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, true, 0, SafeState.OFF, 5_000), line, now);
        c.tick(now + 4_999, false);
        assertTrue(line.high);
        c.tick(now + 5_000, false);
        assertFalse(line.high);
    }

    @Test
    void aBriefOutageShorterThanSafeAfterChangesNothing() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, true, 0, SafeState.OFF, 5_000), line, now);
        c.tick(now, true);
        c.tick(now + 1_000, false);
        c.tick(now + 5_000, true);
        c.tick(now + 9_000, false);
        c.tick(now + 13_999, false);
        assertTrue(line.high, "each outage is timed from its own start");
    }

    @Test
    void safeStateOnAndKeep() {
        FakeLine fan = new FakeLine(5, false);
        OutputController on = new OutputController(config(false, false, 0, SafeState.ON, 1_000), fan, now);
        on.tick(now + 1_000, false);
        assertTrue(fan.high);
        FakeLine heater = new FakeLine(6, false);
        OutputController keep = new OutputController(config(false, true, 0, SafeState.KEEP, 1_000), heater, now);
        keep.tick(now + 1_000_000, false);
        assertTrue(heater.high);
        assertEquals(Long.MAX_VALUE, keep.nextDeadlineMillis());
        keep.shutdown(now);
        assertTrue(heater.high, "keep also holds at shutdown");
    }

    @Test
    void shutdownAppliesTheSafeStateAndEchoesIt() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, true, 0, SafeState.OFF, 60_000), line, now);
        state(c);
        c.shutdown(now);
        assertFalse(line.high);
        assertEquals("pi/pump/state OFF", state(c));
    }

    @Test
    void aFailedWriteKeepsTheLastKnownStateAndTheSafeStateIsRetried() {
        FakeLine line = new FakeLine(22, false);
        OutputController c = new OutputController(config(false, true, 0, SafeState.OFF, 1_000), line, now);
        state(c);
        line.failing = true;
        c.onMessage(InboundPublish.of(SET, "OFF"), now);
        assertTrue(c.isOn(), "the hardware refused: still on");
        assertEquals("pi/pump/state ON", state(c), "the echo tells the truth");
        c.tick(now + 1_000, false);
        assertTrue(c.isOn());
        line.failing = false;
        c.tick(now + 1_001, false);
        assertFalse(line.high, "retried at the next tick");
        assertEquals(2, c.writeFailures());
    }

    @Test
    void commandsAndTicksAllocateNothing() {
        FakeLine line = new FakeLine(22, false);
        line.stopRecording();
        OutputController c = new OutputController(config(false, false, 500, SafeState.OFF, 60_000), line, now);
        IncomingPacket on = InboundPublish.of(SET, "ON");
        IncomingPacket off = InboundPublish.of(SET, "OFF");
        IncomingPacket other = InboundPublish.of("pi/other/set", "ON");
        long[] t = {now};
        long bytes = AllocationMeter.steadyStateBytes(20_000, () -> {
            long time = t[0] += 10;
            c.onMessage(other, time);
            c.onMessage(on, time);
            c.tick(time, true);
            if (c.takeStateToPublish()) {
                c.statePayload();
            }
            c.onMessage(off, time + 1);
            c.tick(time + 5, (time & 1024) == 0);
            c.nextDeadlineMillis();
            c.takeStateToPublish();
        });
        assertEquals(0, bytes);
        assertTrue(c.commands() >= 80_000, "every round ran: " + c.commands());
    }
}
