package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes sysfs-shaped fixture files and reads sensors in tests. */
final class SysfsFixtures {
    private SysfsFixtures() {
    }

    static Path file(Path base, String relative, String content) throws IOException {
        Path p = base.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    static Reading read(Sensor sensor) throws SensorReadException {
        Reading r = new Reading(sensor.quantities().size());
        r.begin(0, 0);
        sensor.read(r);
        return r;
    }

    static String w1(String crc, long milli) {
        return "72 01 4b 46 7f ff 0e 10 57 : crc=57 " + crc + "\n72 01 4b 46 7f ff 0e 10 57 t=" + milli + "\n";
    }
}
