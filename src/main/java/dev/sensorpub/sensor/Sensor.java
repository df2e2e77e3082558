package dev.sensorpub.sensor;

import java.util.List;

/**
 * A sensor driver. Reads happen on the agent's loop thread, or for a driver whose reads block,
 * on the worker of an {@link OffLoopSensor}; a driver never spawns threads itself and never
 * knows about MQTT. Drivers that own hardware handles release them in {@link #close()}.
 */
public interface Sensor extends AutoCloseable {
    /** Fixed at start; index i here is index i in every {@link Reading}. */
    List<Quantity> quantities();

    /**
     * Fills {@code out} (already stamped by the caller) with the current values. A driver sets
     * what it measured; a quantity it cannot measure this time stays NaN.
     *
     * @throws SensorReadException with a reason a person can read; the caller retries later
     */
    void read(Reading out) throws SensorReadException;

    /**
     * Whether a read may block the caller noticeably (tens of milliseconds or more). The
     * factory runs such drivers in an {@link OffLoopSensor} so the loop never waits for them.
     */
    default boolean readBlocks() {
        return false;
    }

    @Override
    default void close() {
    }
}
