package dev.sensorpub.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device nodes GPIO, I2C and SPI go through, checked as the kernel will check them: the node
 * exists, and this process's user may read and write it (owner, group or other bits against
 * the uid and groups in {@code /proc/self/status}). Each problem is one line that names the node
 * and the fix in words: the overlay to enable, or the group to join.
 *
 * <p>Everything is looked up under {@code root} ("/" on a Pi), so tests build a fake /dev and
 * /proc in a directory. Access control lists are not read: Raspberry Pi OS gives these nodes
 * to the groups gpio, i2c and spi, mode 0660.
 */
public final class DeviceNodes {
    /** Where Raspberry Pi OS Bookworm and later keep config.txt. */
    static final String CONFIG_TXT = "/boot/firmware/config.txt";

    private final Path root;
    private final String user;

    public DeviceNodes(Path root, String user) {
        this.root = root;
        this.user = user;
    }

    /** This machine, as the user running this process. */
    public static DeviceNodes system() {
        return new DeviceNodes(Path.of("/"), System.getProperty("user.name"));
    }

    /** The board's model as the device tree names it, or null when there is none (not a Pi). */
    public String model() {
        Path file = root.resolve("proc/device-tree/model");
        try {
            // The device tree's strings end in NUL.
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).replace("\0", "").trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Null when the GPIO chip {@code chip} ("gpiochip0") can be opened; otherwise why not and the fix. */
    public String gpioProblem(String chip) {
        List<String> chips = gpioChips();
        if (chips.isEmpty()) {
            return "no /dev/gpiochip*: this kernel offers no GPIO character device (Raspberry Pi OS"
                    + " Bookworm or later has them)";
        }
        if (!chips.contains(chip)) {
            return "no /dev/" + chip + " (gpio.chip in the board file); gpiodetect lists "
                    + String.join(", ", chips);
        }
        return accessProblem("/dev/" + chip);
    }

    /** Null when /dev/i2c-{@code bus} can be opened; otherwise why not and the fix. */
    public String i2cProblem(int bus) {
        String node = "/dev/i2c-" + bus;
        if (!Files.exists(node(node))) {
            String enable = bus == 1 ? "dtparam=i2c_arm=on" : bus == 0 ? "dtparam=i2c_vc=on" : "dtoverlay=i2c" + bus;
            return "no " + node + ": I2C bus " + bus + " is off; add " + enable + " to " + CONFIG_TXT + " and reboot";
        }
        return accessProblem(node);
    }

    /** Null when /dev/spidev{@code bus}.{@code chipSelect} can be opened; otherwise why not and the fix. */
    public String spiProblem(int bus, int chipSelect) {
        String node = "/dev/spidev" + bus + "." + chipSelect;
        if (!Files.exists(node(node))) {
            String enable = bus == 0 && chipSelect < 2 ? "dtparam=spi=on"
                    : "dtoverlay=spi" + bus + "-" + (chipSelect + 1) + "cs";
            return "no " + node + ": SPI " + bus + " chip select " + chipSelect + " is off; add " + enable + " to "
                    + CONFIG_TXT + " and reboot";
        }
        return accessProblem(node);
    }

    /**
     * The GPIO chips this process has open ("gpiochip0"), from /proc/self/fd: which chip Pi4J's
     * gpiod provider chose, since it picks by label and does not say.
     */
    public List<String> openGpioChips() {
        List<String> open = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(root.resolve("proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // closed meanwhile, or not a link
                }
                if (target.startsWith("/dev/gpiochip") && !open.contains(target.substring(5))) {
                    open.add(target.substring(5));
                }
            }
        } catch (IOException e) {
            return open;
        }
        open.sort(null);
        return open;
    }

    /** The /dev/gpiochip* names, sorted. */
    List<String> gpioChips() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dev = Files.newDirectoryStream(root.resolve("dev"), "gpiochip*")) {
            for (Path p : dev) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            return names;
        }
        names.sort(null);
        return names;
    }

    private Path node(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** Null when this process may read and write {@code node}; otherwise the group to join. */
    String accessProblem(String node) {
        Path path = node(node);
        Map<String, Object> attributes;
        PosixFileAttributes posix;
        try {
            attributes = Files.readAttributes(path, "unix:uid,gid,mode");
            posix = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot read the permissions of " + node + " (" + e.getMessage() + ")";
        }
        Credentials self = Credentials.read(root.resolve("proc/self/status"));
        if (self == null || self.uid == 0) {
            return null; // root may open anything; without /proc the open itself will tell
        }
        int mode = (Integer) attributes.get("mode");
        int uid = (Integer) attributes.get("uid");
        int gid = (Integer) attributes.get("gid");
        int shift = uid == self.uid ? 6 : self.groups.contains(gid) ? 3 : 0;
        int rw = (mode >> shift) & 06;
        if (rw == 06) {
            return null;
        }
        String group = posix.group().getName();
        if (shift == 0 && ((mode >> 3) & 06) == 06) {
            return "permission denied on " + node + ": user " + user + " is not in group " + group
                    + "; run: sudo usermod -aG " + group + " " + user + ", then log in again";
        }
        return "permission denied on " + node + " (mode " + Integer.toOctalString(mode & 0777) + ", group " + group
                + "): user " + user + " may not read and write it";
    }

    /** The uid and groups of this process, from /proc/self/status. */
    private record Credentials(int uid, Set<Integer> groups) {
        static Credentials read(Path status) {
            List<String> lines;
            try {
                lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return null;
            }
            int uid = -1;
            Set<Integer> groups = new HashSet<>();
            for (String line : lines) {
                String[] fields = line.trim().split("\\s+");
                if (fields[0].equals("Uid:") && fields.length > 2) {
                    uid = Integer.parseInt(fields[2]); // effective uid: the one the kernel checks
                } else if (fields[0].equals("Gid:") && fields.length > 2) {
                    groups.add(Integer.parseInt(fields[2]));
                } else if (fields[0].equals("Groups:")) {
                    for (int i = 1; i < fields.length; i++) {
                        groups.add(Integer.parseInt(fields[i]));
                    }
                }
            }
            return uid < 0 ? null : new Credentials(uid, groups);
        }
    }
}
