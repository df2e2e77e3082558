package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.spi.Spi;
import java.util.function.Supplier;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.sensor.chip.SpiDevice;

/**
 * An SPI device through Pi4J; failures become {@link SensorReadException}s naming bus and chip
 * select. Opened on first use, and again after a failure to open.
 */
final class Pi4jSpiDevice implements SpiDevice {
    private final Supplier<Spi> opener;
    private final String description;
    private Spi spi;

    Pi4jSpiDevice(Supplier<Spi> opener, String description) {
        this.opener = opener;
        this.description = description;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Opens on first use; package-private so tests can reach the mock behind it. */
    Spi open() {
        if (spi == null) {
            spi = opener.get();
        }
        return spi;
    }

    @Override
    public void transfer(byte[] tx, byte[] rx, int length) throws SensorReadException {
        int n;
        try {
            n = open().transfer(tx, 0, rx, 0, length);
        } catch (RuntimeException e) {
            throw new SensorReadException(description + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        // Only a negative count is an error: Pi4J's mock SPI returns 0 for a full transfer.
        if (n < 0) {
            throw new SensorReadException(description + ": transfer failed (" + n + ")");
        }
    }
}
