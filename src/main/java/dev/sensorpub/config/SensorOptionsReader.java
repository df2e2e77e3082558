package dev.sensorpub.config;

import java.util.Locale;

/**
 * Reads the type-specific keys under {@code sensor.<name>.} into that type's {@link SensorOptions}:
 * the one place they are parsed, range-checked and defaulted. A key with a problem reads as its
 * default (the problem is reported), so the rest of the block is still checked.
 */
final class SensorOptionsReader {
    private static final long DAY_MILLIS = 86_400_000L;
    /** The buses a board file names when it names none. */
    static final int DEFAULT_I2C_BUS = 1;
    static final int DEFAULT_SPI_BUS = 0;

    private SensorOptionsReader() {
    }

    /** @param board gives the I2C and SPI bus when the block names none; null: the defaults above */
    static SensorOptions read(KeyReader r, String p, SensorType type, BoardConfig board) {
        switch (type) {
            case GPIO_INPUT: {
                r.required(p + "pin", "the BCM GPIO number (0-27) the input is wired to");
                int pin = (int) r.integer(p + "pin", -1, 0, 27);
                String pull = r.choice(p + "pull", "off", "up", "down", "off");
                boolean inverted = r.bool(p + "inverted", false);
                long debounce = r.durationMillis(p + "debounce", 10, 0, 10_000);
                String[] onOff = onOffPayloads(r, p);
                return new SensorOptions.GpioInput(pin, pull, inverted, debounce, onOff[0], onOff[1]);
            }
            case SIM_SWITCH: {
                String[] onOff = onOffPayloads(r, p);
                return new SensorOptions.SimSwitch(onOff[0], onOff[1]);
            }
            case DS18B20: {
                String device = r.string(p + "device", null);
                if (device != null && !device.matches("[0-9a-fA-F]{2}-[0-9a-fA-F]{12}")) {
                    r.problem(p + "device", "'" + device + "' is not a 1-wire id like 28-0123456789ab");
                    device = null;
                }
                return new SensorOptions.Ds18b20(device == null ? null : device.toLowerCase(Locale.ROOT));
            }
            case BME280: {
                int bus = (int) r.integer(p + "bus", board == null ? DEFAULT_I2C_BUS : board.i2cBus(), 0, 255);
                long address = r.integer(p + "address", 0x76, 0, 0x7f);
                if (address != 0x76 && address != 0x77) {
                    r.problem(p + "address", "a BME280 answers on 0x76 or 0x77 only");
                }
                return new SensorOptions.Bme280(bus, (int) address);
            }
            case MCP3008: {
                int bus = (int) r.integer(p + "bus", board == null ? DEFAULT_SPI_BUS : board.spiBus(), 0, 6);
                int chipSelect = (int) r.integer(p + "chip-select", 0, 0, 1);
                r.required(p + "channel", "the MCP3008 input, 0-7");
                int channel = (int) r.integer(p + "channel", -1, 0, 7);
                boolean volts = "volts".equals(r.choice(p + "output", "raw", "raw", "volts"));
                double reference = r.decimal(p + "reference-voltage", 3.3, 0.1, 10.0);
                return new SensorOptions.Mcp3008(bus, chipSelect, channel, volts, reference);
            }
            case DHT22:
                return new SensorOptions.Dht22(r.string(p + "name", "dht11"), (int) r.integer(p + "attempts", 3, 1, 10));
            case CPU_TEMPERATURE:
                return new SensorOptions.CpuTemperature((int) r.integer(p + "zone", 0, 0, 63));
            case SIM_COUNTER:
                return new SensorOptions.SimCounter(r.integer(p + "start", 0, 0, 1L << 52));
            case SIM_SINE:
                return new SensorOptions.SimSine(r.durationMillis(p + "period", 60_000, 20, DAY_MILLIS),
                        r.decimal(p + "amplitude", 1.0, 0, 1e9), r.decimal(p + "center", 0.0, -1e9, 1e9));
            case SIM_RANDOM_WALK: {
                Long seed = r.has(p + "seed") ? r.integer(p + "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
                return new SensorOptions.SimRandomWalk(seed, r.decimal(p + "step", 0.1, 0, 1e9),
                        r.decimal(p + "start", 0.0, -1e9, 1e9));
            }
            default:
                throw new IllegalStateException(type.key());
        }
    }

    /** {@code <p>on-payload} and {@code <p>off-payload}, ON and OFF by default, told apart. */
    static String[] onOffPayloads(KeyReader r, String p) {
        String on = r.string(p + "on-payload", "ON");
        String off = r.string(p + "off-payload", "OFF");
        if (on.equals(off)) {
            r.problem(p + "on-payload", "equals off-payload; a subscriber could not tell the states apart");
        }
        return new String[] {on, off};
    }
}
