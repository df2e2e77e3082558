package dev.sensorpub.sensor.sysfs;

import static dev.sensorpub.sensor.sysfs.SysfsFixtures.file;
import static dev.sensorpub.sensor.sysfs.SysfsFixtures.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.testing.AllocationMeter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Dht22Test {
    @TempDir
    Path iio;

    @Test
    void findsTheDeviceByItsNameNotItsNumber() throws Exception {
        file(iio, "iio:device0/name", "mcp3422\n");
        file(iio, "iio:device0/in_temp_input", "99000\n");
        file(iio, "iio:device1/name", "dht11@4\n");
        file(iio, "iio:device1/in_temp_input", "21300\n");
        file(iio, "iio:device1/in_humidityrelative_input", "45600\n");
        Reading r = read(new Dht22(iio, "dht11", 3));
        assertEquals(21.3, r.value(0));
        assertEquals(45.6, r.value(1));
    }

    @Test
    void eioIsRetriedUpToTheAttemptsThenReported() throws Exception {
        // A directory where a file is expected makes read() fail with an IOException, as EIO does.
        file(iio, "iio:device0/name", "dht11\n");
        Files.createDirectories(iio.resolve("iio:device0/in_temp_input"));
        file(iio, "iio:device0/in_humidityrelative_input", "50000\n");
        SensorReadException e = assertThrows(SensorReadException.class, () -> read(new Dht22(iio, "dht11", 3)));
        assertEquals("cannot open " + iio.resolve("iio:device0/in_temp_input") + ": Is a directory (3 attempts)",
                e.getMessage());
    }

    @Test
    void aMissingDeviceNamesTheOverlay() {
        SensorReadException e = assertThrows(SensorReadException.class, () -> read(new Dht22(iio, "dht11", 1)));
        assertEquals("no IIO device named 'dht11' in " + iio + " (is dtoverlay=dht11,gpiopin=N enabled?)",
                e.getMessage());
    }

    @Test
    void steadyReadsAllocateNothing() throws Exception {
        file(iio, "iio:device0/name", "dht11\n");
        file(iio, "iio:device0/in_temp_input", "-5100\n");
        file(iio, "iio:device0/in_humidityrelative_input", "99900\n");
        Dht22 s = new Dht22(iio, "dht11", 3);
        Reading r = read(s);
        assertEquals(-5.1, r.value(0));
        long allocated = AllocationMeter.steadyStateBytes(50_000, () -> {
            try {
                s.read(r);
            } catch (SensorReadException e) {
                throw new AssertionError(e);
            }
        });
        System.out.println("dht22: bytes allocated per read: " + allocated / 50_000.0);
        assertEquals(0, allocated);
    }
}
