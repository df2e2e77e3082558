package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A DS18B20 on the kernel's 1-wire bus ({@code dtoverlay=w1-gpio}). {@code w1_slave} holds two
 * lines: the scratchpad ending in "crc=xx YES" (or NO), then the same bytes ending "t=23125".
 *
 * <p>85.000 C is what the chip reports before its first conversion after power-up. It is
 * rejected as a failed read unless the previous good reading was already near it (>= 80 C),
 * in which case 85 is believable.
 */
public final class Ds18b20 implements Sensor {
    private static final long POWER_ON_MILLIDEGREES = 85_000;

    private final List<Quantity> quantities;
    private final Path base;
    private final String deviceId;
    private SysfsFile slave;
    private double previous = Double.NaN;

    /** @param deviceId "28-0123456789ab", or null for "the only 28-* device present" */
    public Ds18b20(Path w1Base, String deviceId, String unit) {
        this.quantities = List.of(Quantity.analog("temperature", unit));
        this.base = w1Base;
        this.deviceId = deviceId;
    }

    /** Yes: the kernel converts for about 750 ms while read() waits. */
    @Override
    public boolean readBlocks() {
        return true;
    }

    @Override
    public List<Quantity> quantities() {
        return quantities;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        if (slave == null) {
            slave = new SysfsFile(locate().resolve("w1_slave"), 128);
        }
        int length;
        try {
            length = slave.read();
        } catch (SensorReadException e) {
            forgetDevice();
            throw e;
        }
        byte[] b = slave.buffer();
        int newline = SysfsFile.indexOf(b, 0, length, "\n");
        if (newline < 0) {
            throw new SensorReadException("w1_slave of " + slave.path().getParent().getFileName() + " is incomplete");
        }
        if (SysfsFile.indexOf(b, 0, newline, "YES") < 0) {
            throw new SensorReadException("w1_slave CRC NO (" + slave.path().getParent().getFileName()
                    + ": check wiring and the 4.7k pull-up)");
        }
        int t = SysfsFile.indexOf(b, newline, length, "t=");
        long milli = t < 0 ? Long.MIN_VALUE : SysfsFile.parseLong(b, t + 2, length);
        if (milli == Long.MIN_VALUE) {
            throw new SensorReadException("w1_slave of " + slave.path().getParent().getFileName() + " has no t=");
        }
        if (milli == POWER_ON_MILLIDEGREES && !(previous >= 80.0)) {
            throw new SensorReadException("w1_slave reads 85.000 C, the DS18B20 power-on value (no conversion yet)");
        }
        previous = milli / 1000.0;
        out.set(0, previous);
    }

    /** Finds the device directory; called again after every failure so a replugged sensor is found. */
    private Path locate() throws SensorReadException {
        if (deviceId != null) {
            return base.resolve(deviceId);
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "28-*")) {
            for (Path p : dirs) {
                found.add(p);
            }
        } catch (IOException e) {
            throw new SensorReadException("cannot list " + base + " (is dtoverlay=w1-gpio enabled?)");
        }
        if (found.isEmpty()) {
            throw new SensorReadException("no DS18B20 (28-*) in " + base);
        }
        if (found.size() > 1) {
            found.sort(null);
            throw new SensorReadException(found.size() + " DS18B20 in " + base + "; set device to one of "
                    + found.stream().map(p -> p.getFileName().toString()).toList());
        }
        return found.get(0);
    }

    /** Without a configured id the next read searches again: the one sensor may have been swapped. */
    private void forgetDevice() {
        if (deviceId == null && slave != null) {
            slave.close();
            slave = null;
        }
    }

    @Override
    public void close() {
        if (slave != null) {
            slave.close();
        }
    }
}
