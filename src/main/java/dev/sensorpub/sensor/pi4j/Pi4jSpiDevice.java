package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.spi.Spi;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.sensor.chip.SpiDevice;
import java.util.function.Supplier;

/**
 * An SPI device through Pi4J; failures become {@link SensorReadException}s naming bus and chip
 * select, with the errno under Pi4J's wrappers. The handle is shared with the other sensors on
 * the same chip select ({@link SharedSpi}); opened on first use, and again after a failure to open.
 */
final class Pi4jSpiDevice implements SpiDevice {
    private final Supplier<Spi> handle;
    private final String description;
    private final Supplier<String> nodeProblem;

    /** @param nodeProblem why the device node cannot be opened, or null when it can */
    Pi4jSpiDevice(Supplier<Spi> handle, String description, Supplier<String> nodeProblem) {
        this.handle = handle;
        this.description = description;
        this.nodeProblem = nodeProblem;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Opens on first use; package-private so tests can reach the mock behind it. */
    Spi open() throws SensorReadException {
        try {
            return handle.get();
        } catch (RuntimeException e) {
            String node = nodeProblem.get();
            throw new SensorReadException(description + ": cannot open: "
                    + (node != null ? node : IoErrors.innermostMessage(e)));
        }
    }

    @Override
    public void transfer(byte[] tx, byte[] rx, int length) throws SensorReadException {
        Spi spi = open();
        int n;
        try {
            n = spi.transfer(tx, 0, rx, 0, length);
        } catch (RuntimeException e) {
            throw new SensorReadException(description + ": " + IoErrors.busFailure("transfer", e));
        }
        // Only a negative count is an error: Pi4J's mock SPI returns 0 for a full transfer.
        if (n < 0) {
            throw new SensorReadException(description + ": transfer failed (" + n + ")");
        }
    }
}
