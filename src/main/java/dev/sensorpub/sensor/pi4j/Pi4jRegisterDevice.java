package dev.sensorpub.sensor.pi4j;

import com.pi4j.io.i2c.I2C;
import java.util.function.Supplier;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.sensor.chip.RegisterDevice;

/**
 * An I2C chip through Pi4J; bus errors become {@link SensorReadException}s naming bus,
 * address and the errno under Pi4J's wrappers (NACK, EIO, ETIMEDOUT). The bus is opened on first use and reopened after a failure to open, so a bus
 * that appears later (overlay loaded, adapter plugged) is picked up without a restart.
 */
final class Pi4jRegisterDevice implements RegisterDevice {
    private final Supplier<I2C> opener;
    private final String description;
    private final Supplier<String> nodeProblem;
    private I2C i2c;

    /** @param nodeProblem why the bus's device node cannot be opened, or null when it can */
    Pi4jRegisterDevice(Supplier<I2C> opener, String description, Supplier<String> nodeProblem) {
        this.opener = opener;
        this.description = description;
        this.nodeProblem = nodeProblem;
    }

    /** Package-private so tests can reach the mock behind it. */
    I2C open() throws SensorReadException {
        if (i2c == null) {
            try {
                i2c = opener.get();
            } catch (RuntimeException e) {
                String node = nodeProblem.get();
                throw new SensorReadException(description + ": cannot open: "
                        + (node != null ? node : IoErrors.innermostMessage(e)));
            }
        }
        return i2c;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void read(int register, byte[] into, int length) throws SensorReadException {
        int n;
        try {
            n = open().readRegister(register, into, 0, length);
        } catch (RuntimeException e) {
            throw failure("reading register 0x" + Integer.toHexString(register), e);
        }
        if (n != length) {
            throw new SensorReadException(description + ": short read of register 0x" + Integer.toHexString(register)
                    + " (" + n + " of " + length + " bytes)");
        }
    }

    @Override
    public int readByte(int register) throws SensorReadException {
        int value;
        try {
            value = open().readRegister(register);
        } catch (RuntimeException e) {
            throw failure("reading register 0x" + Integer.toHexString(register), e);
        }
        if (value < -128) {
            throw new SensorReadException(description + ": no data from register 0x" + Integer.toHexString(register));
        }
        return value & 0xFF; // Pi4J hands bytes back signed
    }

    @Override
    public void write(int register, int value) throws SensorReadException {
        try {
            open().writeRegister(register, (byte) value);
        } catch (RuntimeException e) {
            throw failure("writing register 0x" + Integer.toHexString(register), e);
        }
    }

    /** "i2c-1 0x76: NACK (EREMOTEIO) reading register 0xd0: nothing answers; check wiring and address". */
    private SensorReadException failure(String what, RuntimeException e) {
        return new SensorReadException(description + ": " + IoErrors.busFailure(what, e));
    }
}
