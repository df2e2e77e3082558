package dev.sensorpub.sensor.sysfs;

import static dev.sensorpub.sensor.sysfs.SysfsFixtures.file;
import static dev.sensorpub.sensor.sysfs.SysfsFixtures.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sensorpub.sensor.SensorReadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTemperatureTest {
    @Test
    void readsMillidegreesFromTheConfiguredZone(@TempDir Path thermal) throws Exception {
        file(thermal, "thermal_zone0/temp", "48312\n");
        file(thermal, "thermal_zone1/temp", "30000\n");
        assertEquals(48.312, read(new CpuTemperature(thermal, 0, "C")).value(0));
        assertEquals(30.0, read(new CpuTemperature(thermal, 1, "C")).value(0));
    }

    @Test
    void aMissingOrEmptyFileIsAClearFailureAndRecovers(@TempDir Path thermal) throws Exception {
        CpuTemperature s = new CpuTemperature(thermal, 0, "C");
        assertEquals(thermal.resolve("thermal_zone0/temp") + " not found",
                assertThrows(SensorReadException.class, () -> read(s)).getMessage());
        Path temp = file(thermal, "thermal_zone0/temp", "");
        assertEquals("no number in " + temp, assertThrows(SensorReadException.class, () -> read(s)).getMessage());
        Files.writeString(temp, "51000\n");
        assertEquals(51.0, read(s).value(0));
    }
}
