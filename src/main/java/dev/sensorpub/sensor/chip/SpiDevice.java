package dev.sensorpub.sensor.chip;

import dev.sensorpub.sensor.SensorReadException;

/** A full-duplex SPI device: {@code length} bytes out of {@code tx} while {@code length} bytes come into {@code rx}. */
public interface SpiDevice {
    /** For error messages: "spi0.0". */
    String describe();

    void transfer(byte[] tx, byte[] rx, int length) throws SensorReadException;
}
