package dev.sensorpub.sensor;

import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.time.Clock;
import java.util.List;

/**
 * Decides, on the loop thread, which sensor reads now and which readings are worth
 * publishing. No threads of its own: the agent calls {@link #poll()} and sleeps until the
 * deadline it returns.
 *
 * <ul>
 * <li>Each sensor reads every {@code interval}. Missed slots are skipped, not caught up.</li>
 * <li>A value is published when it moved more than {@code deadband} since the last published
 *     one, or when {@code maxSilence} passed without a publish (0 deadband: every reading).</li>
 * <li>A failed read is counted, logged (first failure, then at most once a minute while it
 *     keeps failing, then the recovery) and retried after interval x 2^(failures-1), at most
 *     max(interval, 60 s) apart. A sensor is never given up on.</li>
 * <li>Event readings (GPIO edges) are drained from the {@link EventHandoff} and always published.</li>
 * <li>Pacing, back-off and max-silence run on the monotonic clock; the wall clock only stamps
 *     readings (read once per capture). So NTP stepping a Pi's clock, by hours or days, neither
 *     stalls the sensors nor makes them catch up in a burst.</li>
 * </ul>
 */
public final class SensorSchedule implements EventHandoff.Consumer {
    /** How one sensor is scheduled. {@code deadband} is in the driver's own units (before calibration). */
    public record Entry(String name, Sensor sensor, long intervalMillis, double deadband, long maxSilenceMillis) {
        /** From a sensor's configuration; the deadband is converted back through {@code scale}. */
        public static Entry of(SensorConfig config, Sensor sensor) {
            double scale = Math.abs(config.scale());
            double raw = scale == 0 ? 0 : config.deadband() / scale;
            return new Entry(config.name(), sensor, config.intervalMillis(), raw, config.maxSilenceMillis());
        }
    }

    static final long MAX_BACKOFF_MILLIS = 60_000;
    static final long ERROR_LOG_EVERY_MILLIS = 60_000;

    private static final Logger LOG = Log.logger("sensor");

    private final Entry[] entries;
    private final Reading[] readings;
    private final ReadingSink sink;
    private final EventHandoff handoff;
    private final long[] nextDue;
    private final long[] delay;
    private final long[] readCount;
    private final long[] errorCount;
    private final long[] consecutiveErrors;
    private final long[] lastErrorLog;
    private final String[] lastError;
    private final int[] quantityBase;
    private final double[] lastPublished;
    /** Monotonic time of each quantity's last publish, for max-silence. */
    private final long[] lastPublishTime;
    private final Clock clock;
    /** Monotonic time of the poll in progress: when drained events count as published. */
    private long pollMillis;

    /**
     * Event sources among the sensors are attached to {@code handoff} here, with their index.
     *
     * @param handoff may be null when no sensor is an {@link EventSource}
     */
    public SensorSchedule(List<Entry> entries, ReadingSink sink, EventHandoff handoff, Clock clock) {
        int n = entries.size();
        this.clock = clock;
        long nowMillis = clock.monotonicMillis();
        pollMillis = nowMillis;
        this.entries = entries.toArray(new Entry[0]);
        this.sink = sink;
        this.handoff = handoff;
        readings = new Reading[n];
        nextDue = new long[n];
        delay = new long[n];
        readCount = new long[n];
        errorCount = new long[n];
        consecutiveErrors = new long[n];
        lastErrorLog = new long[n];
        lastError = new String[n];
        quantityBase = new int[n + 1];
        for (int i = 0; i < n; i++) {
            Entry e = this.entries[i];
            if (e.intervalMillis() < 1) {
                throw new IllegalArgumentException(e.name() + ": interval must be at least 1 ms");
            }
            int quantities = e.sensor().quantities().size();
            readings[i] = new Reading(quantities);
            quantityBase[i + 1] = quantityBase[i] + quantities;
            nextDue[i] = nowMillis; // everything reads once at start
            delay[i] = e.intervalMillis();
            if (e.sensor() instanceof EventSource source) {
                if (handoff == null) {
                    throw new IllegalArgumentException(e.name() + " reports events but no handoff was given");
                }
                source.attach(handoff, i);
            }
        }
        lastPublished = new double[quantityBase[n]];
        lastPublishTime = new long[quantityBase[n]];
        java.util.Arrays.fill(lastPublished, Double.NaN);
    }

    /**
     * Drains event readings, reads every sensor that is due, hands what should be published to
     * the sink, and returns the monotonic time ({@link Clock#monotonicMillis()}) this should be
     * called again at the latest.
     */
    public long poll() {
        long nowMillis = clock.monotonicMillis();
        pollMillis = nowMillis;
        if (handoff != null) {
            handoff.drain(this);
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; i < entries.length; i++) {
            if (nowMillis >= nextDue[i]) {
                readOne(i, nowMillis);
            }
            next = Math.min(next, nextDue[i]);
        }
        return next;
    }

    /** The earliest monotonic time any sensor is due (Long.MAX_VALUE without sensors). */
    public long nextDueMillis() {
        long next = Long.MAX_VALUE;
        for (long due : nextDue) {
            next = Math.min(next, due);
        }
        return next;
    }

    private void readOne(int i, long now) {
        Entry e = entries[i];
        Reading reading = readings[i];
        reading.begin(clock.epochMillis(), clock.monotonicMillis());
        try {
            e.sensor().read(reading);
        } catch (SensorReadException ex) {
            failed(i, now, ex.getMessage());
            return;
        } catch (RuntimeException ex) {
            // A driver or library bug must not take the agent down; it is reported like any failure.
            failed(i, now, Problems.describe(ex));
            return;
        }
        if (anyValue(reading)) {
            if (consecutiveErrors[i] > 0) {
                LOG.info(e.name() + ": reading again after " + consecutiveErrors[i] + " failed reads");
                consecutiveErrors[i] = 0;
                delay[i] = e.intervalMillis();
            }
            readCount[i]++;
        }
        // else no value and no failure (an off-loop driver whose measurement has not finished):
        // neither a reading nor the end of a run of failures.
        long due = nextDue[i] + delay[i];
        nextDue[i] = due > now ? due : now + delay[i];
        for (int q = 0; q < reading.size(); q++) {
            double v = reading.value(q);
            if (!Double.isNaN(v) && worthPublishing(quantityBase[i] + q, v, now, e)) {
                publish(i, q, v, reading.timestampMillis(), reading.capturedAtMillis(), now);
            }
        }
    }

    private static boolean anyValue(Reading reading) {
        for (int q = 0; q < reading.size(); q++) {
            if (!Double.isNaN(reading.value(q))) {
                return true;
            }
        }
        return false;
    }

    private boolean worthPublishing(int slot, double v, long now, Entry e) {
        double last = lastPublished[slot];
        if (Double.isNaN(last) || e.deadband() <= 0) {
            return true;
        }
        if (Math.abs(v - last) > e.deadband()) {
            return true;
        }
        return e.maxSilenceMillis() > 0 && now - lastPublishTime[slot] >= e.maxSilenceMillis();
    }

    private void publish(int sensorIndex, int quantity, double value, long timestamp, long capturedAt,
                         long nowMillis) {
        int slot = quantityBase[sensorIndex] + quantity;
        lastPublished[slot] = value;
        lastPublishTime[slot] = nowMillis;
        sink.accept(sensorIndex, quantity, value, timestamp, capturedAt);
    }

    private void failed(int i, long now, String reason) {
        Entry e = entries[i];
        errorCount[i]++;
        long streak = ++consecutiveErrors[i];
        lastError[i] = reason;
        long cap = Math.max(e.intervalMillis(), MAX_BACKOFF_MILLIS);
        long backoff = e.intervalMillis() << Math.min(streak - 1, 30);
        delay[i] = backoff <= 0 || backoff > cap ? cap : backoff;
        nextDue[i] = now + delay[i];
        if (streak == 1) {
            LOG.warn(e.name() + ": read failed: " + reason + " (retry in " + delay[i] + " ms)");
            lastErrorLog[i] = now;
        } else if (now - lastErrorLog[i] >= ERROR_LOG_EVERY_MILLIS) {
            LOG.warn(e.name() + ": still failing, " + streak + " reads in a row: " + reason);
            lastErrorLog[i] = now;
        }
    }

    /** An event reading from the handoff: always published. */
    @Override
    public void event(int sensorIndex, double value, long timestampMillis) {
        if (sensorIndex >= 0 && sensorIndex < entries.length) {
            readCount[sensorIndex]++;
            // Stamped on Pi4J's thread a moment before this drain; the drain's monotonic time stands
            // for it (a few milliseconds late at most, far inside the queue's 100 ms tolerance).
            publish(sensorIndex, 0, value, timestampMillis, pollMillis, pollMillis);
        }
    }

    public int size() {
        return entries.length;
    }

    /** Closes every sensor (releases files and listeners); for shutdown. */
    public void closeSensors() {
        for (Entry e : entries) {
            try {
                e.sensor().close();
            } catch (RuntimeException ex) {
                LOG.warn(e.name() + ": close failed: " + ex.getMessage());
            }
        }
    }

    public String name(int sensorIndex) {
        return entries[sensorIndex].name();
    }

    /** Reads that gave at least one value, plus events. */
    public long readCount(int sensorIndex) {
        return readCount[sensorIndex];
    }

    public long errorCount(int sensorIndex) {
        return errorCount[sensorIndex];
    }

    public long consecutiveErrors(int sensorIndex) {
        return consecutiveErrors[sensorIndex];
    }

    /** The last failure's reason, or null if the sensor never failed. */
    public String lastError(int sensorIndex) {
        return lastError[sensorIndex];
    }

    /** Failed reads over all sensors, for the status line. */
    public long totalErrors() {
        long total = 0;
        for (long c : errorCount) {
            total += c;
        }
        return total;
    }

    /** Sensors whose last read failed. */
    public int failingSensors() {
        int n = 0;
        for (long c : consecutiveErrors) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }
}
