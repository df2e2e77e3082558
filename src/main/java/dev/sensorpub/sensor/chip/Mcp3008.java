package dev.sensorpub.sensor.chip;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.util.List;

/**
 * One channel of an MCP3008 10-bit ADC on SPI: a raw count 0-1023, or volts given the
 * reference voltage (count x Vref / 1024). The chip has no id to check: a missing chip reads
 * as a constant 0 or 1023 depending on how MISO floats.
 */
public final class Mcp3008 implements Sensor {
    private final SpiDevice device;
    private final List<Quantity> quantities;
    private final byte[] tx = new byte[3];
    private final byte[] rx = new byte[3];
    private final boolean volts;
    private final double referenceVolts;

    public Mcp3008(SpiDevice device, int channel, boolean volts, double referenceVolts, String unit) {
        if (channel < 0 || channel > 7) {
            throw new IllegalArgumentException("MCP3008 channel must be 0-7, was " + channel);
        }
        this.device = device;
        this.volts = volts;
        this.referenceVolts = referenceVolts;
        this.quantities = List.of(Quantity.analog("value", unit != null ? unit : volts ? "V" : ""));
        // Start bit, then single-ended mode (1) and the 3-bit channel; the reply's last 10 bits are the count.
        tx[0] = 0x01;
        tx[1] = (byte) (0x80 | channel << 4);
        tx[2] = 0x00;
    }

    @Override
    public List<Quantity> quantities() {
        return quantities;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        device.transfer(tx, rx, 3);
        int count = ((rx[1] & 0x03) << 8) | (rx[2] & 0xFF);
        out.set(0, volts ? count * referenceVolts / 1024.0 : count);
    }
}
