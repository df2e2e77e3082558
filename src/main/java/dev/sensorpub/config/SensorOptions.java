package dev.sensorpub.config;

/**
 * The type-specific keys of one sensor, parsed, range-checked and defaulted once, here in
 * config (board-dependent defaults such as the I2C bus come from the board file), so a driver
 * reads typed values and never parses or defaults anything itself. One record per
 * {@link SensorType}, named after it; {@link SensorOptionsReader} reads them.
 */
public sealed interface SensorOptions {

    /** The on/off payloads of a digital type. */
    sealed interface Digital extends SensorOptions {
        String onPayload();

        String offPayload();
    }

    /** @param pull "up", "down" or "off" */
    record GpioInput(int pin, String pull, boolean inverted, long debounceMillis, String onPayload,
                     String offPayload) implements Digital {
    }

    record SimSwitch(String onPayload, String offPayload) implements Digital {
    }

    /** @param device the 1-wire id in lower case; null: the only DS18B20 on the bus */
    record Ds18b20(String device) implements SensorOptions {
    }

    record Bme280(int bus, int address) implements SensorOptions {
    }

    /** @param volts publish volts (raw * reference / 1023) instead of the raw 0-1023 count */
    record Mcp3008(int bus, int chipSelect, int channel, boolean volts, double referenceVoltage)
            implements SensorOptions {
    }

    /** @param name the IIO device's name file (the kernel's dht11 driver serves DHT22s too) */
    record Dht22(String name, int attempts) implements SensorOptions {
    }

    record CpuTemperature(int zone) implements SensorOptions {
    }

    record SimCounter(long start) implements SensorOptions {
    }

    record SimSine(long periodMillis, double amplitude, double center) implements SensorOptions {
    }

    /** @param seed null: a different walk every run */
    record SimRandomWalk(Long seed, double step, double start) implements SensorOptions {
    }
}
