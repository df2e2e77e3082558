package dev.sensorpub.sensor;

/**
 * A preallocated holder one sensor fills on every read: a value per quantity plus the time
 * the reading was measured, on both clocks: the wall stamp that is published, and the monotonic
 * time that lets the queue correct that stamp if NTP steps the wall clock before it is sent. Reused for every read, so reading allocates nothing.
 * A value left at NaN means "no value for this quantity this time" and is not published.
 */
public final class Reading {
    private final double[] values;
    private long timestampMillis;
    private long capturedAtMillis;

    public Reading(int quantities) {
        this.values = new double[quantities];
    }

    public int size() {
        return values.length;
    }

    public double value(int quantity) {
        return values[quantity];
    }

    public void set(int quantity, double value) {
        values[quantity] = value;
    }

    /** Wall-clock time (epoch milliseconds) the reading belongs to. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** Monotonic time (milliseconds of {@code Clock.monotonicMillis}) the reading was measured at. */
    public long capturedAtMillis() {
        return capturedAtMillis;
    }

    /** Called before each read: stamps the time on both clocks and clears stale values. */
    public void begin(long timestampMillis, long capturedAtMillis) {
        this.timestampMillis = timestampMillis;
        this.capturedAtMillis = capturedAtMillis;
        java.util.Arrays.fill(values, Double.NaN);
    }
}
