package dev.sensorpub.sensor;

/**
 * A read that failed for a reason a person can act on: "i2c-1 0x76: NACK",
 * "w1_slave CRC NO", "EIO reading in_temp_input". Carries no stack trace: the reason is the
 * whole story, and a sensor failing every 10 ms must not cost a stack walk each time.
 */
public final class SensorReadException extends Exception {
    public SensorReadException(String reason) {
        super(reason, null, false, false);
    }
}
