package dev.sensorpub.sensor;

import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.config.SensorConfig;
import dev.sensorpub.config.SensorOptions;
import dev.sensorpub.config.SensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds hardware the mapping uses twice once the board is known: a GPIO pin that an enabled
 * I2C or SPI bus, or the 1-wire overlay (the board's {@code w1.pin}), already drives. (The mapping file itself rejects a pin, or an I2C address on
 * one bus, used twice: it defaults every bus to the board's before comparing.) Several MCP3008 sensors on one chip select are one chip read on several channels,
 * and an SPI chip select shares nothing with the GPIO of the same number: neither is a conflict.
 *
 * <p>The bus pins are those of the Raspberry Pi's 40-pin header (all models alike); they are
 * only checked for a bus whose board provider is real hardware, since Pi4J's mock buses have
 * no pins.
 */
public final class HardwareAddresses {
    private HardwareAddresses() {
    }

    /** One "key: reason" line per conflict, in mapping order; empty when there are none. */
    public static List<String> conflicts(List<SensorConfig> sensors, List<OutputConfig> outputs, BoardConfig board) {
        Map<Integer, String> pinOwners = new HashMap<>();
        List<String> problems = new ArrayList<>();
        // Buses first: their pins are taken whatever order the mapping lists things in.
        for (SensorConfig s : sensors) {
            String owner = "sensor " + s.name();
            if (s.type() == SensorType.BME280) {
                // Two chips at one address are the mapping file's to find: it knows each bus by then.
                int bus = s.options(SensorOptions.Bme280.class).bus();
                if (!BoardConfig.MOCK.equals(board.i2cProvider())) {
                    claimBusPins(pinOwners, i2cPins(bus), "i2c-" + bus + " (" + owner + ")");
                }
            } else if (s.type() == SensorType.MCP3008
                    && !BoardConfig.MOCK.equals(board.spiProvider())) {
                SensorOptions.Mcp3008 adc = s.options(SensorOptions.Mcp3008.class);
                int bus = adc.bus();
                int chipSelect = adc.chipSelect();
                claimBusPins(pinOwners, spiPins(bus, chipSelect), "spi" + bus + "." + chipSelect + " (" + owner + ")");
            } else if (s.type() == SensorType.DS18B20 && !board.simulated()) {
                // The w1-gpio overlay owns its pin whether or not Pi4J is asked for it.
                claimBusPins(pinOwners, new int[] {board.w1Pin()}, "w1 (" + owner + ")");
            }
        }
        for (SensorConfig s : sensors) {
            if (s.type() == SensorType.GPIO_INPUT) {
                claimPin(pinOwners, s.options(SensorOptions.GpioInput.class).pin(), "sensor " + s.name(), "sensor." + s.name() + ".pin", problems);
            }
        }
        for (OutputConfig o : outputs) {
            claimPin(pinOwners, o.pin(), "output " + o.name(), "output." + o.name() + ".pin", problems);
        }
        return problems;
    }

    private static void claimPin(Map<Integer, String> owners, int pin, String owner, String key, List<String> problems) {
        String first = owners.putIfAbsent(pin, owner);
        if (first != null) {
            problems.add(key + ": GPIO " + pin + " is also used by " + first + "; wire one of them to a free GPIO");
        }
    }

    /** A bus's pins belong to the bus, which any number of chips on it share. */
    private static void claimBusPins(Map<Integer, String> owners, int[] pins, String owner) {
        for (int pin : pins) {
            owners.putIfAbsent(pin, owner);
        }
    }

    /** SDA, SCL of the header's I2C buses; other buses' pins depend on their overlay. */
    static int[] i2cPins(int bus) {
        return switch (bus) {
            case 0 -> new int[] {0, 1};
            case 1 -> new int[] {2, 3};
            default -> new int[0];
        };
    }

    /** MISO, MOSI, SCLK and the chip select's CE pin. */
    static int[] spiPins(int bus, int chipSelect) {
        if (bus == 0 && chipSelect < 2) {
            return new int[] {9, 10, 11, chipSelect == 0 ? 8 : 7};
        }
        if (bus == 1 && chipSelect < 3) {
            return new int[] {19, 20, 21, 18 - chipSelect};
        }
        return new int[0];
    }
}
