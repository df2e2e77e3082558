package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.sim.SimCounter;
import dev.sensorpub.testing.AllocationMeter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorScheduleTest {
    /** Records what the schedule published as "sensor/quantity=value@time". */
    static final class Recorder implements ReadingSink {
        final List<String> published = new ArrayList<>();

        @Override
        public void accept(int sensorIndex, int quantityIndex, double value, long timestampMillis) {
            published.add(sensorIndex + "/" + quantityIndex + "=" + value + "@" + timestampMillis);
        }
    }

    /** Returns scripted values; NaN entries fail with the given reason. */
    static final class Scripted implements Sensor {
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
            out.set(0, v);
        }
    }

    private static SensorSchedule schedule(Recorder r, long now, SensorSchedule.Entry... entries) {
        return new SensorSchedule(List.of(entries), r, null, now);
    }

    @Test
    void everySensorReadsAtStartThenEveryInterval() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 1000, new SensorSchedule.Entry("c", new SimCounter(0), 100, 0, 0));
        assertEquals(1100, s.poll(1000));
        assertEquals(1100, s.poll(1050));
        assertEquals(1200, s.poll(1100));
        assertEquals(1300, s.poll(1250)); // late: the slot is used, the grid kept
        assertEquals(List.of("0/0=0.0@1000", "0/0=1.0@1100", "0/0=2.0@1250"), r.published);
    }

    @Test
    void missedSlotsAreSkippedNotCaughtUp() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 0, new SensorSchedule.Entry("c", new SimCounter(0), 10, 0, 0));
        s.poll(0);
        assertEquals(1010, s.poll(1000), "one read after a long pause, then the normal interval");
        assertEquals(2, r.published.size());
    }

    @Test
    void deadbandSuppressesSmallChangesUntilMaxSilence() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 0,
                new SensorSchedule.Entry("t", new Scripted(20.0, 20.2, 20.4, 20.6, 20.6, 20.6, 20.6), 10, 0.5, 30));
        for (long t = 0; t <= 60; t += 10) {
            s.poll(t);
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
        assertEquals(1000, s.poll(0));
        assertEquals(3000, s.poll(1000), "second failure: 2 x interval");
        assertEquals(7000, s.poll(3000), "third: 4 x interval");
        assertEquals(15_000, s.poll(7000), "fourth: 8 x interval");
        assertEquals(4, s.errorCount(0));
        assertEquals(4, s.consecutiveErrors(0));
        assertEquals("i2c-1 0x76: NACK", s.lastError(0));
        assertEquals(1, s.failingSensors());
        s.poll(15_000);
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
    private static List<Long> retryGaps(long interval, int count) {
        SensorSchedule s = schedule(new Recorder(), 0, new SensorSchedule.Entry("a", new Scripted(Double.NaN), interval, 0, 0));
        List<Long> gaps = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < count; i++) {
            long next = s.poll(now);
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
        s.poll(0);
        assertEquals("IllegalStateException: bus closed", s.lastError(0));
    }

    @Test
    void aClockJumpingBackDoesNotStallSensors() {
        Recorder r = new Recorder();
        SensorSchedule s = schedule(r, 1_800_000_000_000L, new SensorSchedule.Entry("c", new SimCounter(0), 100, 0, 0));
        s.poll(1_800_000_000_000L);
        assertEquals(100_100, s.poll(100_000), "deadline pulled in to now + interval");
        s.poll(100_100);
        assertEquals(2, r.published.size());
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
        schedule(r, 0, new SensorSchedule.Entry("x", halfMissing, 10, 0, 0)).poll(0);
        assertEquals(List.of("0/0=1.0@0"), r.published);
    }

    @Test
    void eventsFromTheHandoffAreAlwaysPublishedWithTheirOwnTime() {
        Recorder r = new Recorder();
        EventHandoff h = new EventHandoff(8);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 1000, 0, 0),
                new SensorSchedule.Entry("door", new Scripted(0), 1000, 0, 0)), r, h, 0);
        s.poll(0);
        h.offer(1, 1, 123);
        h.offer(1, 0, 124);
        h.offer(7, 1, 125); // an index nobody owns is ignored
        s.poll(500);
        assertEquals(List.of("0/0=0.0@0", "1/0=0.0@0", "1/0=1.0@123", "1/0=0.0@124"), r.published);
        assertEquals(3, s.readCount(1));
        assertNull(s.lastError(1));
    }

    @Test
    void pollingAllocatesNothingInSteadyState() {
        ReadingSink sink = (a, b, c, d) -> { };
        EventHandoff h = new EventHandoff(8);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("c", new SimCounter(0), 10, 0, 0),
                new SensorSchedule.Entry("w", new dev.sensorpub.sensor.sim.SimRandomWalk("", 1, 1, 0), 10, 0.5, 100)),
                sink, h, 0);
        long[] now = {0};
        long allocated = AllocationMeter.steadyStateBytes(50_000, () -> {
            now[0] += 10;
            h.offer(0, 1, now[0]);
            s.poll(now[0]);
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
                new SensorSchedule.Entry("b", button, 10, 0, 0)), new Recorder(), h, 0);
        assertEquals(h, button.attachedTo);
        assertEquals(1, button.index);
        s.closeSensors();
        assertTrue(button.closed);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SensorSchedule(
                List.of(new SensorSchedule.Entry("b", new Button(), 10, 0, 0)), new Recorder(), null, 0));
    }
}
