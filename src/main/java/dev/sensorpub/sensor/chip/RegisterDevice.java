package dev.sensorpub.sensor.chip;

import dev.sensorpub.sensor.SensorReadException;

/**
 * A chip with 8-bit registers on a bus (I2C): what the chip drivers need and nothing more.
 * Pi4J sits behind it in {@code sensor.pi4j}; drivers stay free of Pi4J types.
 */
public interface RegisterDevice {
    /** For error messages: "i2c-1 0x76". */
    String describe();

    /** Reads {@code length} consecutive registers from {@code register} into {@code into[0..length)}. */
    void read(int register, byte[] into, int length) throws SensorReadException;

    /** Reads one register; 0-255. */
    int readByte(int register) throws SensorReadException;

    void write(int register, int value) throws SensorReadException;
}
