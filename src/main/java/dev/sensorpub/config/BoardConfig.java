package dev.sensorpub.config;

import dev.sensorpub.log.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What differs between boards: where the 40-pin header's GPIO lines, I2C and SPI buses and
 * the sysfs trees live, and which Pi4J providers reach them. Tests point the sysfs bases at
 * fixture directories; the simulator board uses Pi4J's mock providers.
 *
 * @param gpioChip  the gpiochip of the 40-pin header ("gpiochip0"); Pi4J 2.8.0's gpiod
 *                  provider finds it itself (the chip whose label contains "pinctrl"), so this
 *                  is checked, not chosen: --check --hardware looks for /dev/&lt;gpio.chip&gt;, and
 *                  at start the chip Pi4J opened is compared with it
 * @param w1Pin     the GPIO the 1-wire overlay (dtoverlay=w1-gpio,gpiopin=N) takes for DS18B20
 *                  sensors (4 by default, as the overlay's own default): no GPIO input may use it
 * @param providers Pi4J provider per IO kind: "gpiod", "linuxfs" or "mock"; digital outputs use
 *                  the digital-input provider unless {@code provider.digital-output} says otherwise
 */
public record BoardConfig(String name, String gpioChip, int i2cBus, int spiBus, Path w1Base, Path iioBase,
                          Path thermalBase, String digitalInputProvider, String i2cProvider, String spiProvider,
                          String notes, String digitalOutputProvider, int w1Pin) {

    public static final String MOCK = "mock";
    /** The board files in board-configs/, which the build puts into the jar. */
    static final List<String> BUILT_IN = List.of("raspberry-pi-3b", "raspberry-pi-4b", "raspberry-pi-5",
            "raspberry-pi-zero-2w", "simulator");
    static final Set<String> KEYS = Set.of("name", "gpio.chip", "i2c.bus", "spi.bus", "w1.base", "iio.base",
            "thermal.base", "provider.digital-input", "provider.i2c", "provider.spi", "notes", "provider.digital-output", "w1.pin");

    /** True when every provider is Pi4J's mock: no hardware is touched. */
    public boolean simulated() {
        return MOCK.equals(digitalInputProvider) && MOCK.equals(i2cProvider) && MOCK.equals(spiProvider)
                && MOCK.equals(digitalOutputProvider);
    }

    /** Loads and validates a board file; every problem is reported with "board &lt;file&gt; key: reason". */
    public static BoardConfig load(Path file) throws ConfigException {
        List<String> problems = new ArrayList<>();
        BoardConfig board = load(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return board;
    }

    /** Adds this board's problems to {@code problems}; returns null when the file is unusable. */
    static BoardConfig load(Path file, List<String> problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add("board: cannot read " + file + " (" + Problems.describe(e) + ")");
            return null;
        }
        return parse(bytes, file.getFileName().toString(), file.toAbsolutePath().getParent(), problems);
    }

    /** The board file of that name built into the jar; null when there is none. */
    static BoardConfig loadBuiltIn(String name, List<String> problems) {
        if (!BUILT_IN.contains(name)) {
            return null;
        }
        try (InputStream in = BoardConfig.class.getResourceAsStream("/board-configs/" + name + ".properties")) {
            if (in == null) {
                problems.add("board: the jar lacks its built-in board-configs/" + name + ".properties; rebuild it");
                return null;
            }
            return parse(in.readAllBytes(), name + ".properties (built in)", Path.of("").toAbsolutePath(),
                    problems);
        } catch (IOException e) {
            problems.add("board: cannot read the built-in " + name + ".properties (" + e.getMessage() + ")");
            return null;
        }
    }

    /** {@code baseDir} resolves relative sysfs bases. */
    private static BoardConfig parse(byte[] bytes, String label, Path baseDir, List<String> problems) {
        PropertiesFile properties = PropertiesFile.parse(bytes);
        List<String> own = new ArrayList<>(properties.problems());
        KeyReader r = new KeyReader(properties.values(), properties.lines(), own);
        String fallbackName = label.replaceFirst("\\.properties.*$", "");
        String name = r.string("name", fallbackName);
        String gpioChip = r.string("gpio.chip", "gpiochip0");
        int i2cBus = (int) r.integer("i2c.bus", 1, 0, 255);
        int spiBus = (int) r.integer("spi.bus", 0, 0, 6);
        Path w1 = path(r, "w1.base", "/sys/bus/w1/devices", baseDir);
        Path iio = path(r, "iio.base", "/sys/bus/iio/devices", baseDir);
        Path thermal = path(r, "thermal.base", "/sys/class/thermal", baseDir);
        String digital = r.choice("provider.digital-input", "gpiod", "gpiod", MOCK);
        String i2c = r.choice("provider.i2c", "linuxfs", "linuxfs", MOCK);
        String spi = r.choice("provider.spi", "linuxfs", "linuxfs", MOCK);
        String notes = r.string("notes", "");
        String digitalOut = r.choice("provider.digital-output", digital, "gpiod", MOCK);
        int w1Pin = (int) r.integer("w1.pin", 4, 0, 27);
        r.reportUnknown(KEYS);
        for (String p : own) {
            problems.add("board " + label + " " + p);
        }
        return new BoardConfig(name, gpioChip, i2cBus, spiBus, w1, iio, thermal, digital, i2c, spi, notes,
                digitalOut, w1Pin);
    }

    /** Relative sysfs bases resolve against the board file's directory, which fixtures use. */
    private static Path path(KeyReader r, String key, String fallback, Path baseDir) {
        Path p = Path.of(r.string(key, fallback));
        if (p.isAbsolute()) {
            return p;
        }
        return baseDir.resolve(p).normalize();
    }
}
