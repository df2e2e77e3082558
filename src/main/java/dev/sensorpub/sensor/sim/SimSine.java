package dev.sensorpub.sensor.sim;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import java.util.List;

/** center + amplitude x sin(2 pi t / period), from the reading's timestamp: a smooth, plottable signal. */
public final class SimSine implements Sensor {
    private final List<Quantity> quantities;
    private final long periodMillis;
    private final double amplitude;
    private final double center;

    public SimSine(String unit, long periodMillis, double amplitude, double center) {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("period must be at least 1 ms, was " + periodMillis);
        }
        this.quantities = List.of(Quantity.analog("value", unit));
        this.periodMillis = periodMillis;
        this.amplitude = amplitude;
        this.center = center;
    }

    @Override
    public List<Quantity> quantities() {
        return quantities;
    }

    @Override
    public void read(Reading out) {
        double phase = (double) Math.floorMod(out.timestampMillis(), periodMillis) / periodMillis;
        out.set(0, center + amplitude * Math.sin(2 * Math.PI * phase));
    }
}
