package dev.sensorpub.sensor.sim;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import java.util.List;

/** A digital input that toggles on every reading: 1, 0, 1, ... (on, off, on with the on/off payloads). */
public final class SimSwitch implements Sensor {
    private static final List<Quantity> QUANTITIES = List.of(Quantity.digital("state"));
    private boolean on = true;

    @Override
    public List<Quantity> quantities() {
        return QUANTITIES;
    }

    @Override
    public void read(Reading out) {
        out.set(0, on ? 1 : 0);
        on = !on;
    }
}
