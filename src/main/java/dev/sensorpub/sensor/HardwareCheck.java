package dev.sensorpub.sensor;

import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --check --hardware}, run on the Pi: every device the mapping needs exists and this user
 * may open it, before anything is installed or started. Mock providers need no device; the
 * sysfs sensors need their kernel driver's directory (the overlay loaded) and, where named, the
 * device. What it cannot see (wiring, a chip that does not answer) the first read reports.
 *
 * @param checked  each device looked at, "/dev/i2c-1 (sensor outdoor)", in mapping order
 * @param problems each unusable device, "sensor outdoor: no /dev/i2c-1: ...", once per device
 */
public record HardwareCheck(List<String> checked, List<String> problems) {

    /**
     * @param boardProblem why Pi4J will not drive GPIO on this board (its model unknown to Pi4J),
     *                     or null
     */
    public static HardwareCheck run(List<SensorConfig> sensors, List<OutputConfig> outputs, BoardConfig board,
                                    DeviceNodes nodes, String boardProblem) {
        // device -> first user; each device is checked and reported once however many use it
        Map<String, String> devices = new LinkedHashMap<>();
        Map<String, String> sysfs = new LinkedHashMap<>();
        boolean gpiod = !BoardConfig.MOCK.equals(board.digitalInputProvider());
        boolean gpiodOut = !BoardConfig.MOCK.equals(board.digitalOutputProvider());
        for (SensorConfig s : sensors) {
            String user = "sensor " + s.name();
            switch (s.type()) {
                case GPIO_INPUT -> {
                    if (gpiod) {
                        devices.putIfAbsent("gpio", user);
                    }
                }
                case BME280 -> {
                    if (!BoardConfig.MOCK.equals(board.i2cProvider())) {
                        devices.putIfAbsent("i2c " + s.options(SensorOptions.Bme280.class).bus(), user);
                    }
                }
                case MCP3008 -> {
                    if (!BoardConfig.MOCK.equals(board.spiProvider())) {
                        devices.putIfAbsent("spi " + s.options(SensorOptions.Mcp3008.class).bus() + " "
                                + s.options(SensorOptions.Mcp3008.class).chipSelect(), user);
                    }
                }
                case DS18B20 -> {
                    String device = s.options(SensorOptions.Ds18b20.class).device();
                    sysfs.putIfAbsent(board.w1Base().toString(), user);
                    if (device != null) {
                        sysfs.putIfAbsent(board.w1Base().resolve(device).resolve("w1_slave").toString(), user);
                    }
                }
                case DHT22 -> sysfs.putIfAbsent(board.iioBase().toString(), user);
                case CPU_TEMPERATURE -> sysfs.putIfAbsent(board.thermalBase().resolve("thermal_zone"
                        + s.options(SensorOptions.CpuTemperature.class).zone()).resolve("temp").toString(), user);
                default -> {
                    // simulated sensors need nothing
                }
            }
        }
        if (gpiodOut) {
            for (OutputConfig o : outputs) {
                devices.putIfAbsent("gpio", "output " + o.name());
            }
        }
        List<String> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> d : devices.entrySet()) {
            String[] kind = d.getKey().split(" ");
            String node;
            String problem;
            switch (kind[0]) {
                case "gpio" -> {
                    node = "/dev/" + board.gpioChip();
                    problem = boardProblem != null ? boardProblem : nodes.gpioProblem(board.gpioChip());
                }
                case "i2c" -> {
                    node = "/dev/i2c-" + kind[1];
                    problem = nodes.i2cProblem(Integer.parseInt(kind[1]));
                }
                default -> {
                    node = "/dev/spidev" + kind[1] + "." + kind[2];
                    problem = nodes.spiProblem(Integer.parseInt(kind[1]), Integer.parseInt(kind[2]));
                }
            }
            checked.add(node + " (" + d.getValue() + ")");
            if (problem != null) {
                problems.add(d.getValue() + ": " + problem);
            }
        }
        for (Map.Entry<String, String> f : sysfs.entrySet()) {
            Path path = Path.of(f.getKey());
            checked.add(path + " (" + f.getValue() + ")");
            String problem = sysfsProblem(path, board);
            if (problem != null) {
                problems.add(f.getValue() + ": " + problem);
            }
        }
        return new HardwareCheck(checked, problems);
    }

    private static String sysfsProblem(Path path, BoardConfig board) {
        if (Files.isReadable(path)) {
            return null;
        }
        if (path.equals(board.w1Base())) {
            return "no " + path + ": 1-wire is off; add dtoverlay=w1-gpio,gpiopin=4 to " + DeviceNodes.CONFIG_TXT
                    + " and reboot";
        }
        if (path.equals(board.iioBase())) {
            return "no " + path + ": add dtoverlay=dht11,gpiopin=<N> to " + DeviceNodes.CONFIG_TXT + " and reboot";
        }
        if (path.startsWith(board.w1Base())) {
            return "no " + path + ": no 1-wire device " + path.getParent().getFileName()
                    + " answers; check wiring and the 4.7k pull-up";
        }
        return Files.exists(path) ? "cannot read " + path : "no " + path;
    }
}
