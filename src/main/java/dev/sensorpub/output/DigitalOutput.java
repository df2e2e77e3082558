package dev.sensorpub.output;

/**
 * One GPIO line driven by the loop: the hardware (Pi4J, in {@code sensor.pi4j}) behind the
 * smallest interface {@link OutputController} needs. Levels are electrical: inversion is the
 * controller's business, so every implementation stays a plain wire.
 */
public interface DigitalOutput extends AutoCloseable {
    /**
     * Drives the line high or low. Must not block for long (a GPIO write, not I/O over a network).
     *
     * @throws RuntimeException when the hardware refuses; the controller keeps its last known state
     */
    void write(boolean high);

    /** For log lines: "GPIO 22". */
    String describe();

    /** Releases the line. */
    @Override
    void close();
}
