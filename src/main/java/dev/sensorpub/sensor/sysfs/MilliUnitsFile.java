package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.SensorReadException;
import java.nio.file.Path;

/** A sysfs attribute holding one integer in thousandths (m°C, milli-%RH), read as a double. */
final class MilliUnitsFile implements AutoCloseable {
    private final SysfsFile file;

    MilliUnitsFile(Path path) {
        this.file = new SysfsFile(path, 32);
    }

    double read() throws SensorReadException {
        int length = file.read();
        long milli = SysfsFile.parseLong(file.buffer(), 0, length);
        if (milli == Long.MIN_VALUE) {
            throw new SensorReadException("no number in " + file.path());
        }
        return milli / 1000.0;
    }

    Path path() {
        return file.path();
    }

    @Override
    public void close() {
        file.close();
    }
}
