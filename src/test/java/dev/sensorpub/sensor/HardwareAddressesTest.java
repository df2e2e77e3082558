package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.ConfigException;
import dev.sensorpub.config.MappingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hardware used twice is a problem of the mapping file, found before anything is opened. */
class HardwareAddressesTest {
    @TempDir
    Path dir;

    private List<String> conflicts(String providers, String... lines) throws Exception {
        Files.writeString(dir.resolve("board.properties"), "name = b\n" + providers);
        List<String> all = new ArrayList<>(List.of("board = ./board.properties", "mqtt.server = tcp://127.0.0.1",
                "mqtt.client-id = t"));
        all.addAll(List.of(lines));
        Files.write(dir.resolve("m.properties"), all);
        AgentConfig c = MappingFile.load(dir.resolve("m.properties"));
        return HardwareAddresses.conflicts(c.sensors(), c.outputs(), c.board());
    }

    private static final String REAL = "provider.digital-input = gpiod\nprovider.i2c = linuxfs\nprovider.spi = linuxfs\n";
    private static final String MOCK = "provider.digital-input = mock\nprovider.i2c = mock\nprovider.spi = mock\n";

    @Test
    void severalMcp3008ChannelsOnOneChipAndAGpioWithTheChipSelectsNumberAreFine() throws Exception {
        assertEquals(List.of(), conflicts(REAL,
                "sensor.a.type = mcp3008", "sensor.a.topic = x/a", "sensor.a.chip-select = 1", "sensor.a.channel = 0",
                "sensor.b.type = mcp3008", "sensor.b.topic = x/b", "sensor.b.chip-select = 1", "sensor.b.channel = 1",
                "sensor.c.type = gpio-input", "sensor.c.topic = x/c", "sensor.c.pin = 1"));
    }

    @Test
    void aPinOfAnEnabledBusIsTheBussWhateverTheOrder() throws Exception {
        String fix = "; wire one of them to a free GPIO";
        assertEquals(List.of("sensor.door.pin: GPIO 7 is also used by spi0.1 (sensor adc)" + fix,
                "output.led.pin: GPIO 3 is also used by i2c-1 (sensor outdoor)" + fix), conflicts(REAL,
                "sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 7",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = x/a", "sensor.adc.chip-select = 1", "sensor.adc.channel = 2",
                "sensor.outdoor.type = bme280", "sensor.outdoor.topic = x/o",
                "output.led.type = gpio-output", "output.led.pin = 3"));
    }

    @Test
    void aGpioOnTheOneWirePinIsTheBuss() throws Exception {
        assertEquals(List.of("sensor.door.pin: GPIO 4 is also used by w1 (sensor water); wire one of them to a "
                + "free GPIO"), conflicts(REAL,
                "sensor.water.type = ds18b20", "sensor.water.topic = x/w",
                "sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 4"));
    }

    @Test
    void theOneWirePinIsTheBoardsWhereverItWasMoved() throws Exception {
        assertEquals(List.of("output.led.pin: GPIO 17 is also used by w1 (sensor water); wire one of them to a "
                + "free GPIO"), conflicts(REAL + "w1.pin = 17\n",
                "sensor.water.type = ds18b20", "sensor.water.topic = x/w",
                "sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 4",
                "output.led.type = gpio-output", "output.led.pin = 17"));
    }

    @Test
    void mockBusesHaveNoPins() throws Exception {
        assertEquals(List.of(), conflicts(MOCK,
                "sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 7",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = x/a", "sensor.adc.chip-select = 1", "sensor.adc.channel = 2"));
    }

    @Test
    void twoChipsAtOneI2cAddressCollideWhenTheBoardsBusIsNamedOnceAndLeftOutOnce() throws Exception {
        // The bus defaults to the board's when the mapping is read, so the mapping file finds it.
        ConfigException e = assertThrows(ConfigException.class, () -> conflicts(REAL + "i2c.bus = 1\n",
                "sensor.a.type = bme280", "sensor.a.topic = x/a", "sensor.a.address = 0x77",
                "sensor.b.type = bme280", "sensor.b.topic = x/b", "sensor.b.address = 0x77", "sensor.b.bus = 1",
                "sensor.c.type = bme280", "sensor.c.topic = x/c", "sensor.c.address = 0x77", "sensor.c.bus = 3"));
        assertEquals(List.of("line 9: sensor.b.address: I2C bus 1 address 0x77 is already used by sensor.a"),
                e.problems());
    }
}
