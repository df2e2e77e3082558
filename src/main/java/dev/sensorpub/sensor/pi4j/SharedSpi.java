package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.spi.Spi;
import java.util.function.Supplier;

/**
 * One SPI handle per (bus, chip select), opened on first use by whichever sensor on that chip
 * reads first, and tried again on the next use after a failure to open (an overlay enabled
 * later). The sensors sharing it all read on the loop thread, so it needs no lock.
 */
final class SharedSpi implements Supplier<Spi>, AutoCloseable {
    private final Supplier<Spi> opener;
    private Spi spi;

    SharedSpi(Supplier<Spi> opener) {
        this.opener = opener;
    }

    @Override
    public Spi get() {
        if (spi == null) {
            spi = opener.get();
        }
        return spi;
    }

    @Override
    public void close() {
        if (spi != null) {
            spi.close();
            spi = null;
        }
    }
}
