package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.sim.SimCounter;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.time.Clock;
import dev.sensorpub.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensorScheduleTest {
    /** Records what the schedule published as "sensor/quantity=value@time". */
    static final class Recorder implements ReadingSink {
        final List<String> published = new ArrayList<>();

        @Override
        public void accept(int sensorIndex, int quantityIndex, double value, long timestampMillis,
                           long capturedAtMillis) {
            published.add(sensorIndex + "/" + quantityIndex + "=" + value + "@" + timestampMillis);
        }
    }

    /**
     * Returns scripted values; NaN entries fail with the given reason, NO_VALUE entries return
     * without a value (as an off-loop driver does before its measurement has finished).
     */
    static final class Scripted implements Sensor {
        static final double NO_VALUE = Double.NEGATIVE_INFINITY;
        private final double[] values;
        private int next;

        Scripted(double... values) {
            this.values = values;
        }

        @Override
        public List<Quantity> quantities() {
            return List.of(Quantity.analog("v", ""));
        }

        @Override
        public void read(Reading out) throws SensorReadException {
            double v = values[Math.min(next++, values.length - 1)];
            if (Double.isNaN(v)) {
                throw new SensorReadException("i2c-1 0x76: NACK");
            }
            if (v != NO_VALUE) {
                out.set(0, v);
            }
        }
    }

    /** Both clocks at the same value: the tests below that do not step the wall clock. */
    static final class Lockstep implements Clock {
        long millis;

        @Override
        public long monotonicNanos() {
            return millis * 1_000_000;
        }

        @Override
        public long epochMillis() {
            return millis;
        }
    }

    private final Lockstep clock = new Lockstep();

    private SensorSchedule schedule(Recorder r, long now, SensorSchedule.Entry... entries) {
        clock.millis = now;
        return new SensorSchedule(List.of(entries), r, null, clock);
    }

    private long poll(SensorSchedule s, long now) {
        clock.millis = now;
        return s.poll();
    }

    @Test
    void everySensorReadsAtStartThenEveryInterval() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 1000, new SensorSchedule.Entry("c", new SimCounter(0), 100, 0, 0));
        assertEquals(1100, poll(s, 1000));
        assertEquals(1100, poll(s, 1050));
        assertEquals(1200, poll(s, 1100));
        assertEquals(1300, poll(s, 1250)); // late: the slot is used, the grid kept
        assertEquals(List.of("0/0=0.0@1000", "0/0=1.0@1100", "0/0=2.0@1250"), r.published);
    }

    @Test
    void missedSlotsAreSkippedNotCaughtUp() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 0, new SensorSchedule.Entry("c", new SimCounter(0), 10, 0, 0));
        poll(s, 0);
        assertEquals(1010, poll(s, 1000), "one read after a long pause, then the normal interval");
        assertEquals(2, r.published.size());
    }

    @Test
    void deadbandSuppressesSmallChangesUntilMaxSilence() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 0,
                new SensorSchedule.Entry("t", new Scripted(20.0, 20.2, 20.4, 20.6, 20.6, 20.6, 20.6), 10, 0.5, 30));
        for (long t = 0; t <= 60; t += 10) {
            poll(s, t);
        }
        assertEquals(List.of("0/0=20.0@0", "0/0=20.6@30", "0/0=20.6@60"), r.published);
    }

    @Test
    void deadbandFromConfigIsConvertedThroughTheScale() {
        var config = new dev.sensorpub.config.SensorConfig("t", dev.sensorpub.config.SensorType.SIM_COUNTER, "a", 1,
                false, 100, dev.sensorpub.config.SensorConfig.Format.PLAIN, 0, 10.0, 0, 5.0, 0, 0, null,
                java.util.Map.of());
        assertEquals(0.5, SensorSchedule.Entry.of(config, new SimCounter(0)).deadband());
    }

    @Test
    void failedReadsBackOffAndAreRetriedForeverUntilTheSensorRecovers() {
        Recorder r = new Recorder();
        double nan = Double.NaN;
        SensorSchedule s = schedule(r, 0, new SensorSchedule.Entry("bme", new Scripted(nan, nan, nan, nan, 7), 1000, 0, 0));
        assertEquals(1000, poll(s, 0));
        assertEquals(3000, poll(s, 1000), "second failure: 2 x interval");
        assertEquals(7000, poll(s, 3000), "third: 4 x interval");
        assertEquals(15_000, poll(s, 7000), "fourth: 8 x interval");
        assertEquals(4, s.errorCount(0));
        assertEquals(4, s.consecutiveErrors(0));
        assertEquals("i2c-1 0x76: NACK", s.lastError(0));
        assertEquals(1, s.failingSensors());
        poll(s, 15_000);
        assertEquals(List.of("0/0=7.0@15000"), r.published);
        assertEquals(0, s.consecutiveErrors(0));
        assertEquals(4, s.totalErrors());
        assertEquals(16_000, s.nextDueMillis(), "back to the normal interval");
    }

    @Test
    void backoffIsCappedAtOneMinuteOrTheInterval() {
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L), retryGaps(1_000, 8));
        assertEquals(List.of(120_000L, 120_000L, 120_000L), retryGaps(120_000, 3));
    }

    /** The gaps between the reads of a sensor that always fails. */
    private List<Long> retryGaps(long interval, int count) {
        SensorSchedule s = schedule(new Recorder(), 0, new SensorSchedule.Entry("a", new Scripted(Double.NaN), interval, 0, 0));
        List<Long> gaps = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < count; i++) {
            long next = poll(s, now);
            gaps.add(next - now);
            now = next;
        }
        assertEquals(count, s.errorCount(0));
        return gaps;
    }

    @Test
    void aDriverThrowingARuntimeExceptionIsCountedNotFatal() {
        Sensor broken = new Sensor() {
            @Override
            public List<Quantity> quantities() {
                return List.of(Quantity.analog("v", ""));
            }

            @Override
            public void read(Reading out) {
                throw new IllegalStateException("bus closed");
            }
        };
        SensorSchedule s = schedule(new Recorder(), 0, new SensorSchedule.Entry("x", broken, 10, 0, 0));
        poll(s, 0);
        assertEquals("bus closed", s.lastError(0));
    }

    /** Polls at every deadline the schedule returns for {@code millis} of real time; returns the reads. */
    private static int runFor(SensorSchedule s, ManualClock clock, long millis) {
        long end = clock.monotonicMillis() + millis;
        int polls = 0;
        while (polls++ < 100_000) {
            long wait = s.poll() - clock.monotonicMillis();
            if (clock.monotonicMillis() + wait > end) {
                break;
            }
            clock.advanceMillis(Math.max(0, wait));
        }
        return polls;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void aSteppedWallClockNeitherStallsNorBurstsTheSensors(String step) {
        ManualClock clock = new ManualClock();
        Recorder r = new Recorder();
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 100, 0, 0)),
                r, null, clock);
        runFor(s, clock, 1_000);
        int before = r.published.size();
        clock.stepWall(java.time.Duration.parse(step));
        runFor(s, clock, 1_000);
        assertEquals(10, r.published.size() - before, "one read per 100 ms after the step, as before it");
        String last = r.published.get(r.published.size() - 1);
        assertEquals(clock.epochMillis(), Long.parseLong(last.substring(last.indexOf('@') + 1)),
                "stamped with the stepped wall clock at capture");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void maxSilenceCountsRealTimeNotWallTime(String step) {
        ManualClock clock = new ManualClock();
        Recorder r = new Recorder();
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("t", new Scripted(20.0), 100, 0.5, 1_000)),
                r, null, clock);
        s.poll();
        clock.stepWall(java.time.Duration.parse(step));
        runFor(s, clock, 950);
        assertEquals(1, r.published.size(), "a step is not silence: " + r.published);
        runFor(s, clock, 100);
        assertEquals(2, r.published.size(), "1 s of real silence publishes again: " + r.published);
    }

    @Test
    void nanValuesAreNotPublished() {
        Sensor halfMissing = new Sensor() {
            @Override
            public List<Quantity> quantities() {
                return List.of(Quantity.analog("a", ""), Quantity.analog("b", ""));
            }

            @Override
            public void read(Reading out) {
                out.set(0, 1);
            }
        };
        Recorder r = new Recorder();
        poll(schedule(r, 0, new SensorSchedule.Entry("x", halfMissing, 10, 0, 0)), 0);
        assertEquals(List.of("0/0=1.0@0"), r.published);
    }

    @Test
    void aReadThatGivesNoValueIsNotCountedAsAReading() {
        SensorSchedule s = schedule(new Recorder(), 0, new SensorSchedule.Entry("ds", new Scripted(Scripted.NO_VALUE, Scripted.NO_VALUE, 21), 1000, 0, 0));
        poll(s, 0);
        poll(s, 1000);
        assertEquals(0, s.readCount(0), "two reads without a value");
        poll(s, 2000);
        assertEquals(1, s.readCount(0));
    }

    @Test
    void aReadWithNoValueAfterAFailureDoesNotEndTheFailure() {
        try (CapturedLog log = new CapturedLog()) {
            double fail = Double.NaN;
            double none = Scripted.NO_VALUE;
            SensorSchedule s = schedule(new Recorder(), 0,
                    new SensorSchedule.Entry("ds", new Scripted(fail, none, fail, none, 21), 1000, 0, 0));
            poll(s, 0);
            assertEquals(2000, poll(s, 1000), "still backing off after the failure");
            assertEquals(1, s.consecutiveErrors(0));
            assertEquals(1, s.failingSensors());
            assertEquals(List.of(), log.containing("reading again"));
            poll(s, 2000);
            assertEquals(2, s.consecutiveErrors(0), "the second failure continues the run");
            poll(s, 6000);
            poll(s, 10_000);
            assertEquals(0, s.consecutiveErrors(0));
            assertEquals(1, s.readCount(0));
            assertEquals(List.of("INFO sensor ds: reading again after 2 failed reads"), log.containing("reading again"));
        }
    }

    @Test
    void eventsFromTheHandoffAreAlwaysPublishedWithTheirOwnTime() {
        Recorder r = new Recorder();
        EventHandoff h = new EventHandoff(8);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 1000, 0, 0),
                new SensorSchedule.Entry("door", new Scripted(0), 1000, 0, 0)), r, h, clock);
        poll(s, 0);
        h.offer(1, 1, 123);
        h.offer(1, 0, 124);
        h.offer(7, 1, 125); // an index nobody owns is ignored
        poll(s, 500);
        assertEquals(List.of("0/0=0.0@0", "1/0=0.0@0", "1/0=1.0@123", "1/0=0.0@124"), r.published);
        assertEquals(3, s.readCount(1));
        assertNull(s.lastError(1));
    }

    @Test
    void pollingAllocatesNothingInSteadyState() {
        ReadingSink sink = (a, b, c, d, e) -> { };
        EventHandoff h = new EventHandoff(8);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 10, 0, 0),
                new SensorSchedule.Entry("w", new dev.sensorpub.sensor.sim.SimRandomWalk("", 1, 1, 0), 10, 0.5, 100)),
                sink, h, clock);
        long[] now = {0};
        long allocated = AllocationMeter.steadyStateBytes(50_000, () -> {
            now[0] += 10;
            h.offer(0, 1, now[0]);
            poll(s, now[0]);
        });
        assertEquals(0, allocated);
    }

    @Test
    void eventSourcesAreAttachedWithTheirIndex() {
        final class Button implements Sensor, EventSource {
            EventHandoff attachedTo;
            int index = -1;
            boolean closed;

            @Override
            public List<Quantity> quantities() {
                return List.of(Quantity.digital("state"));
            }

            @Override
            public void read(Reading out) {
                out.set(0, 0);
            }

            @Override
            public void attach(EventHandoff handoff, int sensorIndex) {
                attachedTo = handoff;
                index = sensorIndex;
            }

            @Override
            public void close() {
                closed = true;
            }
        }
        Button button = new Button();
        EventHandoff h = new EventHandoff(4);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 10, 0, 0),
                new SensorSchedule.Entry("b", button, 10, 0, 0)), new Recorder(), h, clock);
        assertEquals(h, button.attachedTo);
        assertEquals(1, button.index);
        s.closeSensors();
        assertTrue(button.closed);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SensorSchedule(
                List.of(new SensorSchedule.Entry("b", new Button(), 10, 0, 0)), new Recorder(), null, clock));
    }
}
