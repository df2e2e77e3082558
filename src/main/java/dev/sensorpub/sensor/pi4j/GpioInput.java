package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import dev.sensorpub.log.Problems;
import dev.sensorpub.sensor.EventHandoff;
import dev.sensorpub.sensor.EventSource;
import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.util.List;

/**
 * A GPIO input. Every edge Pi4J reports (after its debounce) is handed to the loop through the
 * {@link EventHandoff} from Pi4J's listener thread; a normal read returns the current level,
 * which the schedule publishes every interval as a heartbeat. 1 = high (low when inverted).
 */
public final class GpioInput implements Sensor, EventSource {
    private static final List<Quantity> QUANTITIES = List.of(Quantity.digital("state"));

    private final DigitalInput input;
    private final int pin;
    private final boolean inverted;
    private DigitalStateChangeListener listener;

    GpioInput(DigitalInput input, int pin, boolean inverted) {
        this.input = input;
        this.pin = pin;
        this.inverted = inverted;
    }

    /** Package-private so tests can reach the mock behind it. */
    DigitalInput input() {
        return input;
    }

    @Override
    public List<Quantity> quantities() {
        return QUANTITIES;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        DigitalState state;
        try {
            state = input.state();
        } catch (RuntimeException e) {
            throw new SensorReadException("GPIO " + pin + ": " + Problems.describe(e));
        }
        if (state == null || state == DigitalState.UNKNOWN) {
            throw new SensorReadException("GPIO " + pin + ": state unknown");
        }
        out.set(0, value(state));
    }

    @Override
    public void attach(EventHandoff handoff, int sensorIndex) {
        if (listener != null) {
            throw new IllegalStateException("GPIO " + pin + " is already attached");
        }
        listener = event -> {
            DigitalState state = event.state();
            if (state == DigitalState.HIGH || state == DigitalState.LOW) {
                handoff.offer(sensorIndex, value(state), System.currentTimeMillis());
            }
        };
        input.addListener(listener);
    }

    private double value(DigitalState state) {
        boolean high = state == DigitalState.HIGH;
        return high != inverted ? 1 : 0;
    }

    @Override
    public void close() {
        if (listener != null) {
            input.removeListener(listener);
            listener = null;
        }
    }
}
