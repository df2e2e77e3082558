package dev.sensorpub.sensor.chip;

import dev.sensorpub.log.Log;
import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.util.List;

/**
 * A Bosch BME280 (temperature, humidity, pressure) or BMP280 (no humidity) on I2C.
 *
 * <p>On the first read, and again after any failure (the chip may have lost power), it checks
 * the chip id (0x60 BME280, 0x58 BMP280), soft-resets, loads the calibration and starts normal
 * mode: oversampling x1, no filter, 0.5 ms standby, so the data registers always hold a fresh
 * result and a read never waits. ctrl_hum is written before ctrl_meas because a ctrl_hum change
 * only takes effect on the next ctrl_meas write. A BMP280 leaves humidity NaN (not published).
 */
public final class Bme280 implements Sensor {
    public static final int CHIP_ID_BME280 = 0x60;
    public static final int CHIP_ID_BMP280 = 0x58;
    static final int REG_CHIP_ID = 0xD0;
    static final int REG_RESET = 0xE0;
    static final int REG_CALIB_TP = 0x88;
    static final int REG_CALIB_H = 0xE1;
    static final int REG_CTRL_HUM = 0xF2;
    static final int REG_CONFIG = 0xF5;
    static final int REG_CTRL_MEAS = 0xF4;
    static final int REG_DATA = 0xF7;
    static final int RESET_COMMAND = 0xB6;
    static final int CTRL_HUM_X1 = 0x01;
    static final int CONFIG_STANDBY_0_5MS_NO_FILTER = 0x00;
    /** osrs_t x1 (001), osrs_p x1 (001), mode normal (11). */
    static final int CTRL_MEAS_X1_NORMAL = 0x27;
    /** The data registers' value after reset, before the first conversion. */
    static final int ADC_RESET_VALUE = 0x80000;

    private static final List<Quantity> QUANTITIES = List.of(Quantity.analog("temperature", "C"),
            Quantity.analog("humidity", "%RH"), Quantity.analog("pressure", "hPa"));

    private final RegisterDevice device;
    private final byte[] calibTp = new byte[26];
    private final byte[] calibH = new byte[7];
    private final byte[] data = new byte[8];
    private Bme280Compensation compensation;
    private boolean humidity;

    public Bme280(RegisterDevice device) {
        this.device = device;
    }

    @Override
    public List<Quantity> quantities() {
        return QUANTITIES;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        try {
            if (compensation == null) {
                start();
            }
            int length = humidity ? 8 : 6;
            device.read(REG_DATA, data, length);
            int adcP = ((data[0] & 0xFF) << 12) | ((data[1] & 0xFF) << 4) | ((data[2] & 0xFF) >> 4);
            int adcT = ((data[3] & 0xFF) << 12) | ((data[4] & 0xFF) << 4) | ((data[5] & 0xFF) >> 4);
            if (adcT == ADC_RESET_VALUE) {
                throw new SensorReadException(device.describe() + ": no measurement yet (data registers at reset value)");
            }
            out.set(0, compensation.temperatureCentiC(adcT) / 100.0);
            out.set(2, compensation.pressureQ24_8(adcP) / 25600.0);
            if (humidity) {
                int adcH = ((data[6] & 0xFF) << 8) | (data[7] & 0xFF);
                out.set(1, compensation.humidityQ22_10(adcH) / 1024.0);
            }
        } catch (SensorReadException e) {
            compensation = null; // start over next time: the chip may have been power-cycled
            throw e;
        }
    }

    private void start() throws SensorReadException {
        int id = device.readByte(REG_CHIP_ID);
        if (id != CHIP_ID_BME280 && id != CHIP_ID_BMP280) {
            throw new SensorReadException(device.describe() + ": chip id " + String.format("0x%02x", id)
                    + ", expected 0x60 (BME280) or 0x58 (BMP280)");
        }
        humidity = id == CHIP_ID_BME280;
        device.write(REG_RESET, RESET_COMMAND);
        sleepAfterReset();
        device.read(REG_CALIB_TP, calibTp, calibTp.length);
        if (humidity) {
            device.read(REG_CALIB_H, calibH, calibH.length);
            device.write(REG_CTRL_HUM, CTRL_HUM_X1);
        }
        device.write(REG_CONFIG, CONFIG_STANDBY_0_5MS_NO_FILTER);
        device.write(REG_CTRL_MEAS, CTRL_MEAS_X1_NORMAL);
        compensation = new Bme280Compensation(calibTp, humidity ? calibH : null);
        Log.logger("sensor").info(device.describe() + ": " + (humidity ? "BME280" : "BMP280 (no humidity sensor; "
                + "humidity is not published)") + " started");
    }

    /** The datasheet's start-up time after a soft reset is 2 ms; only paid when (re)starting. */
    private static void sleepAfterReset() {
        try {
            Thread.sleep(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
