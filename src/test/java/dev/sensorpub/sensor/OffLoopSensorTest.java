package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.time.ManualClock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A driver whose read blocks (a DS18B20 conversion) never holds up the loop: the loop gets the
 * last finished reading, stamped with when it was measured, and the next one is read meanwhile.
 */
class OffLoopSensorTest {

    /** A driver that blocks in read() until the test lets one read through. */
    private static class GatedDriver implements Sensor {
        final Semaphore gate = new Semaphore(0);
        final Semaphore entered = new Semaphore(0);
        volatile String failWith;
        private double next = 20.0;

        @Override
        public List<Quantity> quantities() {
            return List.of(Quantity.analog("temperature", "C"));
        }

        @Override
        public boolean readBlocks() {
            return true;
        }

        @Override
        public void read(Reading out) throws SensorReadException {
            entered.release();
            gate.acquireUninterruptibly();
            if (failWith != null) {
                throw new SensorReadException(failWith);
            }
            out.set(0, next);
            next += 1;
        }
    }

    /** Calls read() until the finished background reading shows up (at most 5 s). */
    private static Reading readUntilMeasured(OffLoopSensor sensor) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Reading r = new Reading(1);
            r.begin(Long.MAX_VALUE, 0);
            sensor.read(r);
            if (!Double.isNaN(r.value(0))) {
                return r;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no reading within 5 s");
    }

    @Test
    void theLoopNeverWaitsForABlockingDriver() throws Exception {
        GatedDriver driver = new GatedDriver();
        OffLoopSensor sensor = new OffLoopSensor("ds", driver);
        try {
            Reading reading = new Reading(1);
            reading.begin(1_000, 0);
            sensor.read(reading); // asks for the first read; returns at once with nothing
            assertTrue(Double.isNaN(reading.value(0)), "nothing measured yet");
            assertTrue(driver.entered.tryAcquire(5, TimeUnit.SECONDS), "the worker started reading");

            reading.begin(2_000, 0);
            sensor.read(reading); // the driver is still blocked: this must return, with nothing new
            assertTrue(Double.isNaN(reading.value(0)));

            long beforeRelease = System.currentTimeMillis();
            driver.gate.release();
            Reading measured = readUntilMeasured(sensor);
            assertEquals(20.0, measured.value(0));
            assertTrue(measured.timestampMillis() <= beforeRelease,
                    "stamped with when it was measured, not when it was handed out");
        } finally {
            driver.gate.release(10);
            sensor.close();
        }
    }

    @Test
    void aFailedBackgroundReadIsReportedByTheNextCall() throws Exception {
        GatedDriver driver = new GatedDriver();
        OffLoopSensor sensor = new OffLoopSensor("ds", driver);
        try {
            Reading reading = new Reading(1);
            reading.begin(1, 0);
            driver.failWith = "w1_slave CRC NO";
            sensor.read(reading);
            assertTrue(driver.entered.tryAcquire(5, TimeUnit.SECONDS));
            driver.gate.release();
            SensorReadException failure = null;
            for (int i = 0; i < 1_000 && failure == null; i++) {
                try {
                    sensor.read(reading);
                    Thread.sleep(5);
                } catch (SensorReadException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "the failure was reported");
            assertEquals("w1_slave CRC NO", failure.getMessage());
        } finally {
            driver.gate.release(10);
            sensor.close();
        }
    }

    @Test
    void aReadThatHangsIsAFailureUntilItReturns() throws Exception {
        GatedDriver driver = new GatedDriver();
        ManualClock clock = new ManualClock();
        OffLoopSensor sensor = new OffLoopSensor("ds", driver, clock, 10_000);
        try {
            Reading reading = new Reading(1);
            reading.begin(1, 0);
            sensor.read(reading); // asks for a read, which blocks in the driver
            assertTrue(driver.entered.tryAcquire(5, TimeUnit.SECONDS));
            clock.advanceMillis(9_999);
            sensor.read(reading); // slow, not yet hung
            assertTrue(Double.isNaN(reading.value(0)));

            clock.advanceMillis(1);
            SensorReadException hung = assertThrows(SensorReadException.class, () -> sensor.read(reading));
            assertEquals("read hung: no result after 10 s", hung.getMessage());
            clock.advanceMillis(50_000);
            hung = assertThrows(SensorReadException.class, () -> sensor.read(reading));
            assertEquals("read hung: no result after 60 s", hung.getMessage());

            driver.gate.release(); // the kernel finally answers
            double value = Double.NaN;
            for (int i = 0; i < 1_000 && Double.isNaN(value); i++) {
                try {
                    reading.begin(1, 0);
                    sensor.read(reading);
                    value = reading.value(0);
                } catch (SensorReadException stillHung) {
                    Thread.sleep(5); // until the worker has handed its result over
                }
            }
            assertEquals(20.0, value, "the late result is published once it arrives");
        } finally {
            driver.gate.release(10);
            sensor.close();
        }
    }

    @Test
    void closeStopsTheWorkerAndClosesTheDriver() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        GatedDriver driver = new GatedDriver() {
            @Override
            public void close() {
                closed.countDown();
            }
        };
        OffLoopSensor sensor = new OffLoopSensor("ds", driver);
        sensor.close();
        assertFalse(sensor.workerAlive());
        assertEquals(0, closed.getCount());
    }
}
