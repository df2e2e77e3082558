package dev.sensorpub.sensor;

import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
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
                return new SimCounter(c.options(SensorOptions.SimCounter.class).start());
            case SIM_SINE:
                SensorOptions.SimSine sine = c.options(SensorOptions.SimSine.class);
                return new SimSine(unit, sine.periodMillis(), sine.amplitude(), sine.center());
            case SIM_RANDOM_WALK:
                SensorOptions.SimRandomWalk walk = c.options(SensorOptions.SimRandomWalk.class);
                long seed = walk.seed() == null ? System.nanoTime() : walk.seed();
                return new SimRandomWalk(unit, seed, walk.step(), walk.start());
            case SIM_SWITCH:
                return new SimSwitch();
            case CPU_TEMPERATURE:
                return new CpuTemperature(board.thermalBase(), c.options(SensorOptions.CpuTemperature.class).zone(),
                        unit);
            case DS18B20:
                return new Ds18b20(board.w1Base(), c.options(SensorOptions.Ds18b20.class).device(), unit);
            case DHT22:
                SensorOptions.Dht22 dht = c.options(SensorOptions.Dht22.class);
                return new Dht22(board.iioBase(), dht.name(), dht.attempts());
            case BME280:
                SensorOptions.Bme280 bme = c.options(SensorOptions.Bme280.class);
                return new Bme280(hardware().i2c(bme.bus(), bme.address()));
            case MCP3008:
                SensorOptions.Mcp3008 adc = c.options(SensorOptions.Mcp3008.class);
                return new Mcp3008(hardware().spi(adc.bus(), adc.chipSelect()), adc.channel(), adc.volts(),
                        adc.referenceVoltage(), c.unit());
            case GPIO_INPUT:
                SensorOptions.GpioInput in = c.options(SensorOptions.GpioInput.class);
                try {
                    return hardware().gpioInput(in.pin(), in.pull(), in.inverted(), in.debounceMillis());
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
