package dev.sensorpub.sensor.sim;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import java.util.List;

/**
 * Each reading moves up or down by up to {@code step}. With the same seed the same sequence
 * comes out every run (xorshift64*, a few lines and no allocation), which tests and
 * reproducible demos rely on.
 */
public final class SimRandomWalk implements Sensor {
    private final List<Quantity> quantities;
    private final double step;
    private long state;
    private double value;

    public SimRandomWalk(String unit, long seed, double step, double start) {
        this.quantities = List.of(Quantity.analog("value", unit));
        this.step = step;
        this.value = start;
        // xorshift must not start at 0; mixing also spreads nearby seeds apart.
        long mixed = seed * 0x9E3779B97F4A7C15L;
        this.state = mixed == 0 ? 0x2545F4914F6CDD1DL : mixed;
    }

    @Override
    public List<Quantity> quantities() {
        return quantities;
    }

    @Override
    public void read(Reading out) {
        out.set(0, value);
        value += step * (2 * nextUnit() - 1);
    }

    /** Uniform in [0, 1). */
    private double nextUnit() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        long r = state * 0x2545F4914F6CDD1DL;
        return (r >>> 11) * 0x1.0p-53;
    }
}
