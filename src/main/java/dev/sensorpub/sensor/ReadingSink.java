package dev.sensorpub.sensor;

/**
 * Where the schedule hands every reading that should be published; the agent connects it to
 * payload formatting and the queue. Called on the loop thread, with primitives only.
 */
public interface ReadingSink {
    void accept(int sensorIndex, int quantityIndex, double value, long timestampMillis);
}
