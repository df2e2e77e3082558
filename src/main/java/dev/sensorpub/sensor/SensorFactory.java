package dev.sensorpub.sensor;

import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.sensor.chip.Bme280;
import dev.sensorpub.sensor.chip.Mcp3008;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import dev.sensorpub.sensor.sim.SimCounter;
import dev.sensorpub.sensor.sim.SimRandomWalk;
import dev.sensorpub.sensor.sim.SimSine;
import dev.sensorpub.sensor.sim.SimSwitch;
import dev.sensorpub.sensor.sysfs.CpuTemperature;
import dev.sensorpub.sensor.sysfs.Ds18b20;
import dev.sensorpub.sensor.sysfs.Dht22;

/**
 * Turns a validated {@link SensorConfig} into a driver, using the board's buses and sysfs
 * paths. Hardware IO goes through the one {@link Pi4jHardware}; sim and sysfs drivers need none.
 */
public final class SensorFactory {
    private final BoardConfig board;
    private final Pi4jHardware hardware;

    /** @param hardware may be null when no sensor needs GPIO, I2C or SPI */
    public SensorFactory(BoardConfig board, Pi4jHardware hardware) {
        this.board = board;
        this.hardware = hardware;
    }

    /** True when one of the sensors needs the Pi4J context. */
    public static boolean needsHardware(Iterable<SensorConfig> sensors) {
        for (SensorConfig s : sensors) {
            switch (s.type()) {
                case GPIO_INPUT: case BME280: case MCP3008:
                    return true;
                default:
                    break;
            }
        }
        return false;
    }

    /** The driver for {@code c}; one whose reads block runs on a worker (see {@link OffLoopSensor}). */
    public Sensor create(SensorConfig c) {
        Sensor driver = driver(c);
        return driver.readBlocks() ? new OffLoopSensor(c.name(), driver) : driver;
    }

    private Sensor driver(SensorConfig c) {
        String unit = c.unit() == null ? "" : c.unit();
        switch (c.type()) {
            case SIM_COUNTER:
                return new SimCounter(c.longOption("start", 0));
            case SIM_SINE:
                return new SimSine(unit, c.longOption("period", 60_000), c.doubleOption("amplitude", 1),
                        c.doubleOption("center", 0));
            case SIM_RANDOM_WALK:
                long seed = c.option("seed") == null ? System.nanoTime() : c.longOption("seed", 0);
                return new SimRandomWalk(unit, seed, c.doubleOption("step", 0.1), c.doubleOption("start", 0));
            case SIM_SWITCH:
                return new SimSwitch();
            case CPU_TEMPERATURE:
                return new CpuTemperature(board.thermalBase(), c.intOption("zone", 0), unit);
            case DS18B20:
                return new Ds18b20(board.w1Base(), c.option("device"), unit);
            case DHT22:
                return new Dht22(board.iioBase(), c.option("name"), c.intOption("attempts", 3));
            case BME280:
                return new Bme280(hardware().i2c(c.intOption("bus", board.i2cBus()), c.intOption("address", 0x76)));
            case MCP3008:
                return new Mcp3008(hardware().spi(c.intOption("bus", board.spiBus()), c.intOption("chip-select", 0)),
                        c.intOption("channel", 0), "volts".equals(c.option("output")),
                        c.doubleOption("reference-voltage", 3.3), c.unit());
            case GPIO_INPUT:
                try {
                    return hardware().gpioInput(c.intOption("pin", -1), c.option("pull"), c.boolOption("inverted", false),
                            c.longOption("debounce", 10));
                } catch (HardwareException e) {
                    throw new HardwareException("sensor " + c.name() + ": " + e.getMessage(), e);
                }
            default:
                throw new IllegalArgumentException("no driver for " + c.type().key());
        }
    }

    private Pi4jHardware hardware() {
        if (hardware == null) {
            throw new IllegalStateException("this sensor needs GPIO, I2C or SPI but no Pi4J context was started");
        }
        return hardware;
    }
}
