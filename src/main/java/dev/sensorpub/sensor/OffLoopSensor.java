package dev.sensorpub.sensor;

import dev.sensorpub.log.Problems;
import dev.sensorpub.time.Clock;
import java.util.List;

/**
 * Runs a driver whose read blocks (the kernel's 1-wire conversion takes about 750 ms; a DHT22
 * read retries on EIO) on a worker thread of its own, so the loop never waits for it.
 *
 * <p>Each {@link #read} hands out the result of the read that finished since the last call,
 * stamped with the time it was measured, and asks the worker for the next one: a value is at
 * most one interval old. The first call has nothing yet, so it publishes nothing. A failed
 * background read is reported by the next call, as the driver's own reason.
 *
 * <p>A read that has not finished {@code hungAfterMillis} after it was asked for (a 1-wire
 * master stuck in the kernel, a sysfs read that never returns) is a failure: every call while
 * it hangs reports it, so the schedule counts and logs it instead of counting empty reads.
 */
public final class OffLoopSensor implements Sensor {
    /** Ten DS18B20 conversions, or three DHT22 attempts with their pauses, several times over. */
    public static final long DEFAULT_HUNG_AFTER_MILLIS = 10_000;

    private final Sensor driver;
    private final Clock clock;
    private final long hungAfterMillis;
    private final Reading workerReading;
    private final double[] result;
    private final Thread worker;
    // guarded by this
    private long resultTimestampMillis;
    private long resultCapturedAtMillis;
    private String resultError;
    private boolean resultReady;
    private boolean requested;
    private long requestedAtMillis;
    private boolean closed;

    public OffLoopSensor(String name, Sensor driver) {
        this(name, driver, Clock.SYSTEM, DEFAULT_HUNG_AFTER_MILLIS);
    }

    public OffLoopSensor(String name, Sensor driver, Clock clock, long hungAfterMillis) {
        this.driver = driver;
        this.clock = clock;
        this.hungAfterMillis = hungAfterMillis;
        int quantities = driver.quantities().size();
        this.workerReading = new Reading(quantities);
        this.result = new double[quantities];
        this.worker = new Thread(this::work, "sensor-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public List<Quantity> quantities() {
        return driver.quantities();
    }

    /** Never blocks: takes the last finished result, if any, and asks for the next. */
    @Override
    public void read(Reading out) throws SensorReadException {
        String error;
        synchronized (this) {
            boolean ready = resultReady;
            long now = clock.monotonicMillis();
            if (!requested) {
                requested = true;
                requestedAtMillis = now;
                notifyAll();
            } else if (!ready && now - requestedAtMillis >= hungAfterMillis) {
                throw new SensorReadException("read hung: no result after " + (now - requestedAtMillis) / 1000 + " s");
            }
            if (!ready) {
                return; // nothing measured yet: every value stays NaN, nothing is published
            }
            resultReady = false;
            error = resultError;
            if (error == null) {
                out.begin(resultTimestampMillis, resultCapturedAtMillis);
                for (int q = 0; q < result.length; q++) {
                    out.set(q, result[q]);
                }
            }
        }
        if (error != null) {
            throw new SensorReadException(error);
        }
    }

    private void work() {
        while (true) {
            synchronized (this) {
                while (!requested && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
            }
            long measuredAt = clock.epochMillis();
            long capturedAt = clock.monotonicMillis();
            workerReading.begin(measuredAt, capturedAt);
            String error = null;
            try {
                driver.read(workerReading);
            } catch (SensorReadException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                error = Problems.describe(e);
            }
            synchronized (this) {
                for (int q = 0; q < result.length; q++) {
                    result[q] = workerReading.value(q);
                }
                resultTimestampMillis = measuredAt;
                resultCapturedAtMillis = capturedAt;
                resultError = error;
                resultReady = true;
                requested = false;
            }
        }
    }

    /** Whether the worker thread is still running (for tests). */
    boolean workerAlive() {
        return worker.isAlive();
    }

    /** Stops the worker (waiting up to a second for a read in progress), then closes the driver. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            worker.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        driver.close();
    }
}
