package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.gpio.digital.DigitalState;
import dev.sensorpub.output.DigitalOutput;

/** A Pi4J digital output as the project's {@link DigitalOutput}: a plain wire, no inversion here. */
public final class Pi4jDigitalOutput implements DigitalOutput {
    private final com.pi4j.io.gpio.digital.DigitalOutput output;
    private final String description;

    Pi4jDigitalOutput(com.pi4j.io.gpio.digital.DigitalOutput output, int pin) {
        this.output = output;
        this.description = "GPIO " + pin;
    }

    /** Package-private so tests can reach the mock behind it. */
    com.pi4j.io.gpio.digital.DigitalOutput output() {
        return output;
    }

    @Override
    public void write(boolean high) {
        output.state(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    /** The level Pi4J last drove (for tests and the status line). */
    public boolean isHigh() {
        return output.state() == DigitalState.HIGH;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        // The context's shutdown releases the line; nothing is held per output.
    }
}
