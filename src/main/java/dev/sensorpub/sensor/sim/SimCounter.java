package dev.sensorpub.sensor.sim;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import java.util.List;

/**
 * 0, 1, 2, ... one step per reading. Published as a plain integer, it lets a subscriber prove
 * that no reading was lost or reordered. Exact up to 2^53, where doubles stop counting by one.
 */
public final class SimCounter implements Sensor {
    private static final List<Quantity> QUANTITIES = List.of(Quantity.analog("count", ""));
    private long next;

    public SimCounter(long start) {
        this.next = start;
    }

    @Override
    public List<Quantity> quantities() {
        return QUANTITIES;
    }

    @Override
    public void read(Reading out) {
        out.set(0, next++);
    }
}
