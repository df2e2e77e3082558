package dev.sensorpub.sensor;

/**
 * A preallocated holder one sensor fills on every read: a value per quantity plus the time
 * the reading was asked for. Reused for every read, so reading allocates nothing.
 * A value left at NaN means "no value for this quantity this time" and is not published.
 */
public final class Reading {
    private final double[] values;
    private long timestampMillis;

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

    /** Called by the schedule before each read: stamps the time and clears stale values. */
    public void begin(long timestampMillis) {
        this.timestampMillis = timestampMillis;
        java.util.Arrays.fill(values, Double.NaN);
    }
}
