package dev.sensorpub.sensor;

/**
 * A sensor that also reports on its own (an edge on a GPIO line) from another thread.
 * Such readings travel to the loop through the {@link EventHandoff} only.
 */
public interface EventSource {
    /** Starts handing readings in as {@code sensorIndex}; called once, before the loop runs. */
    void attach(EventHandoff handoff, int sensorIndex);
}
