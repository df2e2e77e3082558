package dev.sensorpub.sensor;

/**
 * Where the schedule hands every reading that should be published; the agent connects it to
 * payload formatting and the queue. Called on the loop thread, with primitives only.
 */
public interface ReadingSink {
    /**
     * @param timestampMillis wall stamp of the measurement (epoch milliseconds)
     * @param capturedAtMillis the same moment on the monotonic clock ({@code Clock.monotonicMillis})
     */
    void accept(int sensorIndex, int quantityIndex, double value, long timestampMillis, long capturedAtMillis);
}
