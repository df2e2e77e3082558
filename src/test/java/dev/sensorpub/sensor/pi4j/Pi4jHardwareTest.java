package dev.sensorpub.sensor.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.exception.Pi4JException;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.sensor.DeviceNodes;
import dev.sensorpub.sensor.HardwareException;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.sensor.chip.Mcp3008;
import dev.sensorpub.sensor.chip.SpiDevice;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Pi4J's registry and wrappers would get wrong on a real Pi, checked against its mock
 * providers, its real gpiod provider on this (non-Pi) machine, and a fake /dev.
 */
class Pi4jHardwareTest {
    @TempDir
    Path dir;

    private static Reading reading() {
        Reading r = new Reading(1);
        r.begin(0, 0);
        return r;
    }

    private static BoardConfig simulator() throws Exception {
        return BoardConfig.load(Path.of("board-configs/simulator.properties"));
    }

    @Test
    void twoMcp3008ChannelsOnOneChipSelectShareOneHandleAndBothRead() throws Exception {
        try (Pi4jHardware hardware = Pi4jHardware.start(simulator())) {
            SpiDevice first = hardware.spi(0, 0);
            SpiDevice second = hardware.spi(0, 0);
            Mcp3008 channel0 = new Mcp3008(first, 0, false, 3.3, null);
            Mcp3008 channel1 = new Mcp3008(second, 1, false, 3.3, null);
            MockSpi chip = (MockSpi) ((Pi4jSpiDevice) first).open();
            assertSame(chip, ((Pi4jSpiDevice) second).open(), "one handle per (bus, chip select)");

            chip.write(new byte[] {0, 0x01, 0x00}, 0, 3);
            Reading r = reading();
            channel0.read(r);
            assertEquals(256.0, r.value(0));
            chip.readEntireMockBuffer(); // the mock keeps what was sent; only replies matter here
            chip.write(new byte[] {0, 0x00, 0x07}, 0, 3);
            channel1.read(r);
            assertEquals(7.0, r.value(0));
        }
    }

    @Test
    void anSpiChipSelectAndAGpioPinWithTheSameNumberBothOpen() throws Exception {
        try (Pi4jHardware hardware = Pi4jHardware.start(simulator())) {
            hardware.gpioInput(1, "off", false, 0);
            SpiDevice cs1 = hardware.spi(0, 1);
            SpiDevice otherBus = hardware.spi(1, 1);
            MockSpi chip = (MockSpi) ((Pi4jSpiDevice) cs1).open();
            chip.write(new byte[] {0, 0x03, (byte) 0xFF}, 0, 3);
            Reading r = reading();
            new Mcp3008(cs1, 0, false, 3.3, null).read(r);
            assertEquals(1023.0, r.value(0));
            ((Pi4jSpiDevice) otherBus).open(); // spi1.1: same chip-select number, another bus
            hardware.gpioInput(0, "off", false, 0); // and a GPIO after them, with spi1.0's number
        }
    }

    @Test
    void gpioOnABoardPi4jDoesNotKnowSaysSoInsteadOfNoGpioChipYetInitialized() throws Exception {
        Path boardFile = dir.resolve("pi.properties");
        Files.writeString(boardFile, "name = pi\nprovider.digital-input = gpiod\nprovider.i2c = mock\n"
                + "provider.spi = mock\nprovider.digital-output = mock\n");
        Files.createDirectories(dir.resolve("root/proc/device-tree"));
        Files.writeString(dir.resolve("root/proc/device-tree/model"), "Pine64 RockPro64 v2.1\0");
        DeviceNodes nodes = new DeviceNodes(dir.resolve("root"), "pi");
        try (Pi4jHardware hardware = Pi4jHardware.start(BoardConfig.load(boardFile), nodes)) {
            HardwareException e = assertThrows(HardwareException.class, () -> hardware.gpioInput(17, "up", false, 10));
            assertEquals("GPIO 17: board model 'Pine64 RockPro64 v2.1' unknown to Pi4J 2.8.0, so it opens no"
                    + " GPIO chip", e.getMessage());
        }
    }

    @Test
    void spiOpenFailureNamesTheMissingDeviceNodeAndTheOverlay() throws Exception {
        Files.createDirectories(dir.resolve("dev"));
        Pi4jSpiDevice device = new Pi4jSpiDevice(() -> {
            throw new Pi4JException("Failed to open SPI device /dev/spidev0.1");
        }, "spi0.1", () -> new DeviceNodes(dir, "pi").spiProblem(0, 1));
        SensorReadException e = assertThrows(SensorReadException.class,
                () -> device.transfer(new byte[3], new byte[3], 3));
        assertEquals("spi0.1: cannot open: no /dev/spidev0.1: SPI 0 chip select 1 is off; add dtparam=spi=on to"
                + " /boot/firmware/config.txt and reboot", e.getMessage());
    }

    /** An I2C whose every call fails the way LinuxFsI2CBus wraps a kernel error. */
    private static I2C failingWith(String strerror) {
        return (I2C) Proxy.newProxyInstance(I2C.class.getClassLoader(), new Class<?>[] {I2C.class}, (p, m, a) -> {
            throw new Pi4JException("Failed to execute action for device 118 on bus 1", new IOException(strerror));
        });
    }

    @Test
    void i2cErrorsKeepTheErrnoUnderPi4jsWrapper() throws Exception {
        String[][] cases = {
            {"Remote I/O error", "i2c-1 0x76: NACK (EREMOTEIO) reading register 0xd0: nothing answers; check wiring"
                    + " and address"},
            {"Input/output error", "i2c-1 0x76: bus error (EIO) reading register 0xd0: check wiring, pull-ups and"
                    + " power"},
            {"Connection timed out", "i2c-1 0x76: bus timeout (ETIMEDOUT) reading register 0xd0: a line is held"
                    + " low; check wiring, power-cycle"},
            {"Bad address", "i2c-1 0x76: reading register 0xd0 failed: Bad address"},
        };
        for (String[] c : cases) {
            Pi4jRegisterDevice device = new Pi4jRegisterDevice(() -> failingWith(c[0]), "i2c-1 0x76", () -> null);
            SensorReadException e = assertThrows(SensorReadException.class, () -> device.readByte(0xD0));
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void i2cOpenFailureNamesTheGroupToJoin() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t"
                + "1000\nGroups:\t4 24 1000\n");
        Path node = Files.createFile(root.resolve("dev/i2c-1"));
        Files.setAttribute(node, "unix:mode", 0660);
        Files.setAttribute(node, "unix:gid", 998);
        String group = Files.readAttributes(node, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        Pi4jRegisterDevice device = new Pi4jRegisterDevice(() -> {
            throw new Pi4JException("Devfs validation failed for I2C bus 1: path '/dev/i2c-1' is not readable.");
        }, "i2c-1 0x76", () -> new DeviceNodes(root, "pi").i2cProblem(1));
        SensorReadException e = assertThrows(SensorReadException.class, () -> device.readByte(0xD0));
        assertEquals("i2c-1 0x76: cannot open: permission denied on /dev/i2c-1: user pi is not in group " + group
                + "; run: sudo usermod -aG " + group + " pi, then log in again", e.getMessage());
    }

    @Test
    void aBoardFilesGpioChipThatIsNotTheOnePi4jOpenedIsSaid() throws Exception {
        Path boardFile = dir.resolve("pi5.properties");
        Files.writeString(boardFile, "name = pi5\ngpio.chip = gpiochip4\n");
        BoardConfig board = BoardConfig.load(boardFile);
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("proc/self/fd"));
        DeviceNodes nodes = new DeviceNodes(root, "pi");
        assertEquals(null, Pi4jHardware.gpioChipMismatch(board, nodes), "no chip open: nothing to compare");

        Files.createSymbolicLink(root.resolve("proc/self/fd/0"), Path.of("/dev/null"));
        Files.createSymbolicLink(root.resolve("proc/self/fd/23"), Path.of("/dev/gpiochip0"));
        assertEquals("Pi4J opened gpiochip0, not gpio.chip = gpiochip4: set gpio.chip = gpiochip0",
                Pi4jHardware.gpioChipMismatch(board, nodes));

        Files.createSymbolicLink(root.resolve("proc/self/fd/24"), Path.of("/dev/gpiochip4"));
        assertEquals(null, Pi4jHardware.gpioChipMismatch(board, nodes));
    }

    @Test
    void theBootLineWithTheRealProvidersAndTheLongestBoardNameFits80Columns() {
        String line = Pi4jHardware.describe("raspberry-pi-zero-2w", "gpiochip0", GpioDDigitalInputProvider.ID,
                GpioDDigitalOutputProvider.ID, LinuxFsI2CProvider.ID, LinuxFsSpiProvider.ID);
        assertEquals("pi4j raspberry-pi-zero-2w: gpiod on gpiochip0, i2c linuxfs, spi linuxfs", line);
        assertTrue(line.length() <= 80, line.length() + " characters");
    }
}
