package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DHT22 through the kernel's dht11 IIO driver ({@code dtoverlay=dht11,gpiopin=N}; it
 * handles the DHT22 too). IIO device numbers change between boots, so the device is found by
 * its {@code name} file: equal to the configured name, or the name followed by "@" (the
 * overlay's node is called e.g. "dht11@4").
 *
 * <p>The one-wire timing is bit-banged by the kernel and fails with EIO now and then; a read
 * is retried up to {@code attempts} times before it counts as failed. Each attempt blocks the
 * calling thread for the transfer (about 20-30 ms).
 */
public final class Dht22 implements Sensor {
    private static final java.util.List<Quantity> QUANTITIES = java.util.List.of(
            Quantity.analog("temperature", "C"), Quantity.analog("humidity", "%RH"));

    private final Path base;
    private final String name;
    private final int attempts;
    private MilliUnitsFile temperature;
    private MilliUnitsFile humidity;

    public Dht22(Path iioBase, String name, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.base = iioBase;
        this.name = name;
        this.attempts = attempts;
    }

    /** Yes: each attempt waits 20-30 ms for the sensor, and EIO is retried. */
    @Override
    public boolean readBlocks() {
        return true;
    }

    @Override
    public java.util.List<Quantity> quantities() {
        return QUANTITIES;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        if (temperature == null) {
            Path device = locate();
            temperature = new MilliUnitsFile(device.resolve("in_temp_input"));
            humidity = new MilliUnitsFile(device.resolve("in_humidityrelative_input"));
        }
        out.set(0, readWithRetry(temperature));
        out.set(1, readWithRetry(humidity));
    }

    private double readWithRetry(MilliUnitsFile file) throws SensorReadException {
        for (int attempt = 1; ; attempt++) {
            try {
                return file.read();
            } catch (SensorReadException e) {
                if (attempt >= attempts || !Files.exists(file.path())) {
                    forgetDevice();
                    throw attempt > 1 ? new SensorReadException(e.getMessage() + " (" + attempt + " attempts)") : e;
                }
            }
        }
    }

    private Path locate() throws SensorReadException {
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(base, "iio:device*")) {
            for (Path device : devices) {
                Path nameFile = device.resolve("name");
                if (Files.isRegularFile(nameFile)) {
                    String actual = new String(Files.readAllBytes(nameFile), StandardCharsets.US_ASCII).trim();
                    if (actual.equals(name) || actual.startsWith(name + "@")) {
                        return device;
                    }
                }
            }
        } catch (IOException e) {
            throw new SensorReadException("cannot list " + base + " (is dtoverlay=dht11 enabled?)");
        }
        throw new SensorReadException("no IIO device named '" + name + "' in " + base
                + " (is dtoverlay=dht11,gpiopin=N enabled?)");
    }

    private void forgetDevice() {
        close();
        temperature = null;
        humidity = null;
    }

    @Override
    public void close() {
        if (temperature != null) {
            temperature.close();
            humidity.close();
        }
    }
}
