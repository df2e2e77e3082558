package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fake /dev and /proc/self/status: each problem names the node and the fix in words. */
class DeviceNodesTest {
    private static final int GPIO_GID = 997;

    @TempDir
    Path root;

    private DeviceNodes nodes;

    @BeforeEach
    void user1000InGroups4And24() throws Exception {
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n"
                + "Gid:\t1000\t1000\t1000\t1000\nGroups:\t4 24 1000 \n");
        nodes = new DeviceNodes(root, "pi");
    }

    private Path node(String name, int gid, int mode) throws Exception {
        Path p = Files.createFile(root.resolve("dev").resolve(name));
        Files.setAttribute(p, "unix:gid", gid);
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    private static String group(Path p) throws Exception {
        return Files.readAttributes(p, PosixFileAttributes.class).group().getName();
    }

    @Test
    void withoutAnyGpioChipTheKernelIsNamed() {
        assertEquals("no /dev/gpiochip*: this kernel offers no GPIO character device (Raspberry Pi OS Bookworm or"
                + " later has them)", nodes.gpioProblem("gpiochip0"));
    }

    @Test
    void aGpioChipNameThatDoesNotExistListsTheOnesThatDo() throws Exception {
        node("gpiochip0", 1000, 0660);
        node("gpiochip10", 1000, 0660);
        assertEquals("no /dev/gpiochip4 (gpio.chip in the board file); gpiodetect lists gpiochip0, gpiochip10",
                nodes.gpioProblem("gpiochip4"));
        assertNull(nodes.gpioProblem("gpiochip0"), "group 1000 is the user's own");
    }

    @Test
    void aNodeOfAGroupTheUserIsNotInNamesTheGroupAndTheCommand() throws Exception {
        Path chip = node("gpiochip0", GPIO_GID, 0660);
        String group = group(chip);
        assertEquals("permission denied on /dev/gpiochip0: user pi is not in group " + group + "; run: sudo usermod"
                + " -aG " + group + " pi, then log in again", nodes.gpioProblem("gpiochip0"));
    }

    @Test
    void groupMembershipFromTheSupplementaryGroupsIsEnough() throws Exception {
        node("i2c-1", 24, 0660);
        assertNull(nodes.i2cProblem(1));
    }

    @Test
    void aModeThatLetsNobodyWriteIsReportedWithTheMode() throws Exception {
        Path spi = node("spidev0.0", 24, 0640);
        assertEquals("permission denied on /dev/spidev0.0 (mode 640, group " + group(spi) + "): user pi may not read"
                + " and write it", nodes.spiProblem(0, 0));
    }

    @Test
    void missingBusNodesNameTheOverlayToEnable() {
        assertEquals("no /dev/i2c-1: I2C bus 1 is off; add dtparam=i2c_arm=on to /boot/firmware/config.txt and"
                + " reboot", nodes.i2cProblem(1));
        assertEquals("no /dev/i2c-3: I2C bus 3 is off; add dtoverlay=i2c3 to /boot/firmware/config.txt and reboot",
                nodes.i2cProblem(3));
        assertEquals("no /dev/spidev0.1: SPI 0 chip select 1 is off; add dtparam=spi=on to"
                + " /boot/firmware/config.txt and reboot", nodes.spiProblem(0, 1));
        assertEquals("no /dev/spidev1.2: SPI 1 chip select 2 is off; add dtoverlay=spi1-3cs to"
                + " /boot/firmware/config.txt and reboot", nodes.spiProblem(1, 2));
    }

    @Test
    void rootMayOpenAnything() throws Exception {
        Files.writeString(root.resolve("proc/self/status"), "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t0\n");
        node("i2c-1", GPIO_GID, 0600);
        assertNull(nodes.i2cProblem(1));
    }

    @Test
    void theModelComesFromTheDeviceTree() throws Exception {
        assertNull(nodes.model());
        Files.createDirectories(root.resolve("proc/device-tree"));
        Files.writeString(root.resolve("proc/device-tree/model"), "Raspberry Pi 4 Model B Rev 1.5\0");
        assertEquals("Raspberry Pi 4 Model B Rev 1.5", nodes.model());
    }
}
