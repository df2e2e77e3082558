package dev.sensorpub.output;

/** Opens a GPIO output line; {@code Pi4jHardware::gpioOutput} in the agent, a fake in tests. */
@FunctionalInterface
public interface LineOpener {
    /**
     * @param initialHigh  the level driven from the first moment
     * @param shutdownHigh the level the hardware layer drives when it shuts down; null: leave it
     */
    DigitalOutput open(int bcmPin, boolean initialHigh, Boolean shutdownHigh);
}
