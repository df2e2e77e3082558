package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.DeviceNodes;
import dev.sensorpub.testing.AgentCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check} finds hardware conflicts; {@code --check --hardware} the devices, against a fake root. */
class MainCheckTest {
    @TempDir
    Path dir;

    private Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void fakeRoot() throws Exception {
        root = dir.resolve("root");
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t"
                + "1000\nGroups:\t1000\n");
        Files.writeString(dir.resolve("pi.properties"), "name = pi\nprovider.digital-input = gpiod\n"
                + "provider.i2c = linuxfs\nprovider.spi = linuxfs\nw1.base = w1\n");
    }

    private Path mapping(String... sensorLines) throws Exception {
        List<String> lines = new ArrayList<>(List.of("board = ./pi.properties", "mqtt.server = tcp://127.0.0.1",
                "mqtt.client-id = t"));
        lines.addAll(List.of(sensorLines));
        return Files.write(dir.resolve("m.properties"), lines);
    }

    private int check(Path mapping, DeviceNodes nodes) {
        return Main.check(mapping, nodes, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream s) {
        return s.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGpioOnAPinOfAnEnabledBusIsAConfigurationProblem() throws Exception {
        Path m = mapping("sensor.adc.type = mcp3008", "sensor.adc.topic = x/a", "sensor.adc.channel = 0",
                "sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 8");
        assertEquals(Main.BAD_CONFIG, check(m, null));
        assertEquals(m + ": 1 problem; nothing was started\n"
                + "  line 9: sensor.door.pin: GPIO 8 is also used by spi0.0 (sensor adc); wire one of them to a free "
                + "GPIO\n", text(err));
    }

    /** A broker may discard a retained QoS 0 message (MQTT 3.1.1, 3.3.1.3): said once, not an error. */
    @Test
    void aSensorRetainedAtQos0GetsOneNoteAndTheCheckStillPasses() throws Exception {
        Path m = mapping("sensor.a.type = cpu-temperature", "sensor.a.topic = x/a", "sensor.a.retain = true",
                "sensor.a.qos = 0", "sensor.b.type = cpu-temperature", "sensor.b.topic = x/b",
                "sensor.b.retain = true", "sensor.c.type = cpu-temperature", "sensor.c.topic = x/c",
                "sensor.c.retain = true", "sensor.c.qos = 0");
        assertEquals(Main.OK, check(m, null), text(err));
        assertEquals("  note: sensors a, c: retained at QoS 0, which a broker may discard; use qos 1 to keep it\n"
                + m + ": OK (3 sensors, 0 outputs, board pi, broker [tcp://127.0.0.1:1883], Home Assistant discovery"
                + " off)\n", text(out));
    }

    @Test
    void hardwareCheckNamesEveryUnusableDeviceWithItsFix() throws Exception {
        Files.createFile(root.resolve("dev/spidev0.0")); // the user's own, mode 0600: usable
        Path m = mapping("sensor.outdoor.type = bme280", "sensor.outdoor.topic = x/o",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = x/a", "sensor.adc.channel = 0",
                "sensor.pool.type = ds18b20", "sensor.pool.topic = x/p");
        Files.setAttribute(root.resolve("dev/spidev0.0"), "unix:uid", 1000);
        Files.setAttribute(root.resolve("dev/spidev0.0"), "unix:mode", 0600);

        assertEquals(Main.FATAL, check(m, new DeviceNodes(root, "pi")));
        assertEquals(m + ": 2 device problems; nothing was started\n"
                + "  sensor outdoor: no /dev/i2c-1: I2C bus 1 is off; add dtparam=i2c_arm=on to"
                + " /boot/firmware/config.txt and reboot\n"
                + "  sensor pool: no " + dir.resolve("w1") + ": 1-wire is off; add dtoverlay=w1-gpio,gpiopin=4 to"
                + " /boot/firmware/config.txt and reboot\n", text(err));
    }

    @Test
    void whenEveryDeviceIsUsableEachIsListed() throws Exception {
        Files.createDirectories(dir.resolve("w1"));
        for (String node : List.of("i2c-1", "spidev0.0")) {
            Path p = Files.createFile(root.resolve("dev").resolve(node));
            Files.setAttribute(p, "unix:gid", 1000);
            Files.setAttribute(p, "unix:mode", 0660);
        }
        Path m = mapping("sensor.outdoor.type = bme280", "sensor.outdoor.topic = x/o",
                "sensor.adc.type = mcp3008", "sensor.adc.topic = x/a", "sensor.adc.channel = 0",
                "sensor.adc2.type = mcp3008", "sensor.adc2.topic = x/a2", "sensor.adc2.channel = 1",
                "sensor.pool.type = ds18b20", "sensor.pool.topic = x/p");
        assertEquals(Main.OK, check(m, new DeviceNodes(root, "pi")), text(err));
        assertEquals("  usable: /dev/spidev0.0 (sensor adc)\n"
                + "  usable: /dev/i2c-1 (sensor outdoor)\n"
                + "  usable: " + dir.resolve("w1") + " (sensor pool)\n"
                + m + ": OK (4 sensors, 0 outputs, board pi, broker [tcp://127.0.0.1:1883], Home Assistant discovery"
                + " off)\n", text(out));
    }

    @Test
    void gpioOnABoardPi4jDoesNotKnowIsADeviceProblem() throws Exception {
        Path m = mapping("sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 17");
        assertEquals(Main.FATAL, check(m, new DeviceNodes(root, "pi")));
        assertEquals(m + ": 1 device problem; nothing was started\n"
                + "  sensor door: board model (no /proc/device-tree/model) unknown to Pi4J 2.8.0, so it opens no"
                + " GPIO chip\n", text(err));
    }

    @Test
    void aGpioThatCannotOpenStopsTheStartWithTheReasonInOneLine() throws Exception {
        Path m = mapping("sensor.door.type = gpio-input", "sensor.door.topic = x/d", "sensor.door.pin = 17");
        Process agent = new ProcessBuilder(AgentCommand.fromTestClasspath(m.toString()))
                .redirectErrorStream(true).start();
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
        assertEquals(Main.FATAL, agent.exitValue(), output);
        String last = output.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.endsWith(" cannot start: sensor door: GPIO 17: board model (no"
                + " /proc/device-tree/model) unknown to Pi4J 2.8.0, so it opens no GPIO chip"), output);
    }
}
