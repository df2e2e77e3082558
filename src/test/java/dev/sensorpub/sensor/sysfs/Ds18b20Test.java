package dev.sensorpub.sensor.sysfs;

import static dev.sensorpub.sensor.sysfs.SysfsFixtures.file;
import static dev.sensorpub.sensor.sysfs.SysfsFixtures.read;
import static dev.sensorpub.sensor.sysfs.SysfsFixtures.w1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.testing.AllocationMeter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ds18b20Test {
    @TempDir
    Path w1;

    @Test
    void readsTheOnlyDevicePresentInDegrees() throws Exception {
        file(w1, "28-00000a1b2c3d/w1_slave", w1("YES", 23125));
        file(w1, "w1_bus_master1/w1_master_name", "w1_bus_master1\n");
        Ds18b20 s = new Ds18b20(w1, null, "C");
        assertEquals(23.125, read(s).value(0));
        file(w1, "28-00000a1b2c3d/w1_slave", w1("YES", -10062));
        assertEquals(-10.062, read(s).value(0), "re-read from offset 0 sees the new content");
    }

    @Test
    void readsTheConfiguredDeviceAmongSeveral() throws Exception {
        file(w1, "28-000000000001/w1_slave", w1("YES", 1000));
        file(w1, "28-000000000002/w1_slave", w1("YES", 2000));
        assertEquals(2.0, read(new Ds18b20(w1, "28-000000000002", "C")).value(0));
        SensorReadException e = assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1, null, "C")));
        assertEquals("2 DS18B20 in " + w1 + "; set device to one of [28-000000000001, 28-000000000002]", e.getMessage());
    }

    @Test
    void aCrcNoIsAFailedRead() throws Exception {
        file(w1, "28-000000000001/w1_slave", w1("NO", 23125));
        SensorReadException e = assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1, null, "C")));
        assertTrue(e.getMessage().startsWith("w1_slave CRC NO"), e.getMessage());
    }

    @Test
    void thePowerOnValueIsRejectedUnlessTheLastReadingWasNearIt() throws Exception {
        Path slave = file(w1, "28-000000000001/w1_slave", w1("YES", 85000));
        Ds18b20 s = new Ds18b20(w1, null, "C");
        SensorReadException e = assertThrows(SensorReadException.class, () -> read(s));
        assertTrue(e.getMessage().contains("85.000 C, the DS18B20 power-on value"), e.getMessage());
        Files.writeString(slave, w1("YES", 84500));
        assertEquals(84.5, read(s).value(0));
        Files.writeString(slave, w1("YES", 85000));
        assertEquals(85.0, read(s).value(0), "85 right after 84.5 is a real temperature");
    }

    @Test
    void noDeviceAndGarbledContentAreReportedClearly() throws Exception {
        assertEquals("no DS18B20 (28-*) in " + w1,
                assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1, null, "C"))).getMessage());
        assertEquals("cannot list " + w1.resolve("nope") + " (is dtoverlay=w1-gpio enabled?)",
                assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1.resolve("nope"), null, "C")))
                        .getMessage());
        file(w1, "28-000000000001/w1_slave", "00 00 : crc=00 YES\n00 00\n");
        assertTrue(assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1, null, "C"))).getMessage()
                .endsWith("has no t="));
        assertEquals(w1.resolve("28-0000000000ff/w1_slave") + " not found",
                assertThrows(SensorReadException.class, () -> read(new Ds18b20(w1, "28-0000000000ff", "C")))
                        .getMessage());
    }

    @Test
    void aSensorThatComesBackIsFoundAgain() throws Exception {
        Ds18b20 s = new Ds18b20(w1, null, "C");
        assertThrows(SensorReadException.class, () -> read(s));
        file(w1, "28-000000000009/w1_slave", w1("YES", 19000));
        assertEquals(19.0, read(s).value(0));
    }

    @Test
    void repeatedReadsReuseTheOpenFileAndBuffer() throws Exception {
        file(w1, "28-000000000001/w1_slave", w1("YES", 21000));
        Ds18b20 s = new Ds18b20(w1, null, "C");
        dev.sensorpub.sensor.Reading r = read(s);
        long allocated = AllocationMeter.steadyStateBytes(50_000, () -> {
            try {
                s.read(r);
            } catch (SensorReadException e) {
                throw new AssertionError(e);
            }
        });
        System.out.println("ds18b20: bytes allocated per read: " + allocated / 50_000.0);
        assertEquals(0, allocated);
    }
}
