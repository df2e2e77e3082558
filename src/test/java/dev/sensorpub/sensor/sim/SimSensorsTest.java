package dev.sensorpub.sensor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

class SimSensorsTest {
    private static double read(Sensor s, long ts) {
        Reading r = new Reading(s.quantities().size());
        r.begin(ts, 0);
        try {
            s.read(r);
        } catch (SensorReadException e) {
            throw new AssertionError(e);
        }
        return r.value(0);
    }

    @Test
    void counterCountsOnePerReadingFromItsStart() {
        SimCounter c = new SimCounter(5);
        for (int i = 5; i < 1005; i++) {
            assertEquals(i, read(c, 0));
        }
    }

    @Test
    void sineFollowsTheTimestamp() {
        SimSine s = new SimSine("C", 4_000, 2, 20);
        assertEquals(20.0, read(s, 0), 1e-12);
        assertEquals(22.0, read(s, 1_000), 1e-12);
        assertEquals(20.0, read(s, 2_000), 1e-9);
        assertEquals(18.0, read(s, 3_000), 1e-12);
        assertEquals(22.0, read(s, 41_000), 1e-12);
        assertEquals("C", s.quantities().get(0).unit());
    }

    @Test
    void randomWalkIsRepeatableForASeedAndStaysWithinItsSteps() {
        SimRandomWalk a = new SimRandomWalk("", 7, 0.5, 10);
        SimRandomWalk b = new SimRandomWalk("", 7, 0.5, 10);
        SimRandomWalk other = new SimRandomWalk("", 8, 0.5, 10);
        double previous = read(a, 0);
        read(b, 0);
        read(other, 0);
        assertEquals(10.0, previous);
        boolean differs = false;
        for (int i = 0; i < 1000; i++) {
            double v = read(a, 0);
            assertEquals(v, read(b, 0));
            differs |= v != read(other, 0);
            assertTrue(Math.abs(v - previous) <= 0.5, "step " + (v - previous));
            previous = v;
        }
        assertTrue(differs, "another seed gives another walk");
        assertNotEquals(10.0, previous);
    }

    @Test
    void switchTogglesOnEveryReading() {
        SimSwitch s = new SimSwitch();
        assertTrue(s.quantities().get(0).digital());
        assertEquals(1.0, read(s, 0));
        assertEquals(0.0, read(s, 0));
        assertEquals(1.0, read(s, 0));
    }

    @Test
    void readingSimSensorsAllocatesNothing() {
        Sensor[] sensors = {new SimCounter(0), new SimSine("", 1000, 1, 0), new SimRandomWalk("", 1, 1, 0),
                new SimSwitch()};
        Reading reading = new Reading(1);
        long allocated = AllocationMeter.steadyStateBytes(100_000, new Runnable() {
            private long t;

            @Override
            public void run() {
                for (Sensor s : sensors) {
                    reading.begin(t++, 0);
                    try {
                        s.read(reading);
                    } catch (SensorReadException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        });
        assertEquals(0, allocated, "bytes allocated by 400,000 sim reads");
    }
}
