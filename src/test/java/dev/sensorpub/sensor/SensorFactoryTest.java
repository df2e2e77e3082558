package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.MappingFile;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.sensor.pi4j.GpioInput;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import dev.sensorpub.sensor.sysfs.CpuTemperature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorFactoryTest {
    @TempDir
    Path dir;

    private AgentConfig config(String... sensorLines) throws Exception {
        Files.write(dir.resolve("board.properties"), List.of("name = fixture", "provider.digital-input = mock",
                "provider.i2c = mock", "provider.spi = mock", "thermal.base = thermal"));
        Files.createDirectories(dir.resolve("thermal/thermal_zone0"));
        Files.writeString(dir.resolve("thermal/thermal_zone0/temp"), "45000\n");
        List<String> lines = new ArrayList<>(List.of("board = ./board.properties", "mqtt.server = tcp://127.0.0.1",
                "mqtt.client-id = t"));
        lines.addAll(List.of(sensorLines));
        Files.write(dir.resolve("m.properties"), lines);
        return MappingFile.load(dir.resolve("m.properties"), List.of());
    }

    @Test
    void everyTypeGetsADriverWhoseQuantitiesMatchTheConfiguredTopics() throws Exception {
        AgentConfig c = config(
                "sensor.a.type = gpio-input", "sensor.a.topic = x/a", "sensor.a.pin = 4",
                "sensor.b.type = ds18b20", "sensor.b.topic = x/b",
                "sensor.c.type = bme280", "sensor.c.topic = x/c",
                "sensor.d.type = mcp3008", "sensor.d.topic = x/d", "sensor.d.channel = 1",
                "sensor.e.type = dht22", "sensor.e.topic = x/e",
                "sensor.f.type = cpu-temperature", "sensor.f.topic = x/f",
                "sensor.g.type = sim-counter", "sensor.g.topic = x/g",
                "sensor.h.type = sim-sine", "sensor.h.topic = x/h",
                "sensor.i.type = sim-random-walk", "sensor.i.topic = x/i",
                "sensor.j.type = sim-switch", "sensor.j.topic = x/j");
        assertTrue(SensorFactory.needsHardware(c.sensors()));
        try (Pi4jHardware hardware = Pi4jHardware.start(c.board())) {
            SensorFactory factory = new SensorFactory(c.board(), hardware);
            for (SensorConfig s : c.sensors()) {
                Sensor sensor = factory.create(s);
                assertEquals(s.topics().size(), sensor.quantities().size(), s.name());
                for (int q = 0; q < s.type().topicSuffixes().size(); q++) {
                    assertEquals(s.type().topicSuffixes().get(q), sensor.quantities().get(q).name(), s.name());
                }
                assertEquals(s.type().digital(), sensor.quantities().get(0).digital(), s.name());
                assertEquals(s.type().key().equals("gpio-input"), sensor instanceof EventSource, s.name());
            }
        }
    }

    @Test
    void driversWhoseReadsBlockRunOffTheLoop() throws Exception {
        AgentConfig c = config("sensor.t.type = ds18b20", "sensor.t.topic = x/t",
                "sensor.h.type = dht22", "sensor.h.topic = x/h",
                "sensor.f.type = cpu-temperature", "sensor.f.topic = x/f");
        SensorFactory factory = new SensorFactory(c.board(), null);
        java.util.Map<String, SensorConfig> byName = new java.util.HashMap<>();
        c.sensors().forEach(s -> byName.put(s.name(), s));
        Sensor ds18b20 = factory.create(byName.get("t"));
        Sensor dht22 = factory.create(byName.get("h"));
        Sensor cpu = factory.create(byName.get("f"));
        try {
            assertInstanceOf(OffLoopSensor.class, ds18b20);
            assertInstanceOf(OffLoopSensor.class, dht22);
            assertInstanceOf(CpuTemperature.class, cpu, "a quick sysfs read stays on the loop");
        } finally {
            ds18b20.close();
            dht22.close();
            cpu.close();
        }
    }

    @Test
    void sysfsAndSimSensorsNeedNoPi4jContext() throws Exception {
        AgentConfig c = config("sensor.f.type = cpu-temperature", "sensor.f.topic = x/f",
                "sensor.g.type = sim-counter", "sensor.g.topic = x/g");
        assertFalse(SensorFactory.needsHardware(c.sensors()));
        SensorFactory factory = new SensorFactory(c.board(), null);
        Sensor cpu = factory.create(c.sensors().get(0));
        assertInstanceOf(CpuTemperature.class, cpu);
        Reading r = new Reading(1);
        r.begin(0, 0);
        cpu.read(r);
        assertEquals(45.0, r.value(0));
    }

    @Test
    void aHardwareSensorWithoutAContextFailsClearly() throws Exception {
        AgentConfig c = config("sensor.a.type = gpio-input", "sensor.a.topic = x/a", "sensor.a.pin = 4");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SensorFactory(c.board(), null).create(c.sensors().get(0)));
        assertTrue(e.getMessage().contains("no Pi4J context"), e.getMessage());
        try (Pi4jHardware hardware = Pi4jHardware.start(c.board())) {
            assertInstanceOf(GpioInput.class, new SensorFactory(c.board(), hardware).create(c.sensors().get(0)));
        }
    }
}
