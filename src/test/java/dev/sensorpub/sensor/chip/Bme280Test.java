package dev.sensorpub.sensor.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.SensorReadException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up sequence, seen through a device that records every access in order. */
class Bme280Test {
    static final class RecordingDevice implements RegisterDevice {
        final List<String> log = new ArrayList<>();
        int chipId = Bme280.CHIP_ID_BME280;
        byte[] data = {0x65, 0x5A, (byte) 0xC0, 0x7E, (byte) 0xED, 0x00, 0x6D, 0x60};
        boolean nack;

        @Override
        public String describe() {
            return "i2c-1 0x76";
        }

        @Override
        public void read(int register, byte[] into, int length) throws SensorReadException {
            check();
            log.add(String.format("read 0x%02x x%d", register, length));
            if (register == Bme280.REG_CALIB_TP) {
                System.arraycopy(Bme280CompensationTest.calibrationTp(), 0, into, 0, length);
            } else if (register == Bme280.REG_CALIB_H) {
                System.arraycopy(Bme280CompensationTest.calibrationH(), 0, into, 0, length);
            } else {
                System.arraycopy(data, 0, into, 0, length);
            }
        }

        @Override
        public int readByte(int register) throws SensorReadException {
            check();
            log.add(String.format("read 0x%02x", register));
            return chipId;
        }

        @Override
        public void write(int register, int value) throws SensorReadException {
            check();
            log.add(String.format("write 0x%02x=0x%02x", register, value));
        }

        private void check() throws SensorReadException {
            if (nack) {
                throw new SensorReadException("i2c-1 0x76: NACK");
            }
        }
    }

    private static Reading reading() {
        Reading r = new Reading(3);
        r.begin(0, 0);
        return r;
    }

    @Test
    void startsWithIdResetCalibrationThenCtrlHumBeforeCtrlMeas() throws Exception {
        RecordingDevice d = new RecordingDevice();
        Bme280 bme = new Bme280(d);
        bme.read(reading());
        assertEquals(List.of("read 0xd0", "write 0xe0=0xb6", "read 0x88 x26", "read 0xe1 x7", "write 0xf2=0x01",
                "write 0xf5=0x00", "write 0xf4=0x27", "read 0xf7 x8"), d.log);
        d.log.clear();
        bme.read(reading());
        assertEquals(List.of("read 0xf7 x8"), d.log, "later reads are one burst");
    }

    @Test
    void aBmp280IsRecognisedAndHasNoHumidity() throws Exception {
        RecordingDevice d = new RecordingDevice();
        d.chipId = Bme280.CHIP_ID_BMP280;
        d.data = new byte[] {0x65, 0x5A, (byte) 0xC0, 0x7E, (byte) 0xED, 0x00};
        Reading r = reading();
        new Bme280(d).read(r);
        assertEquals(List.of("read 0xd0", "write 0xe0=0xb6", "read 0x88 x26", "write 0xf5=0x00", "write 0xf4=0x27",
                "read 0xf7 x6"), d.log);
        assertTrue(Double.isNaN(r.value(1)));
        assertEquals(25.08, r.value(0));
        assertEquals(1006.53, r.value(2), 0.01);
    }

    @Test
    void anotherChipIsNamedByItsId() {
        RecordingDevice d = new RecordingDevice();
        d.chipId = 0x55;
        SensorReadException e = assertThrows(SensorReadException.class, () -> new Bme280(d).read(reading()));
        assertEquals("i2c-1 0x76: chip id 0x55, expected 0x60 (BME280) or 0x58 (BMP280)", e.getMessage());
    }

    @Test
    void afterAFailureTheChipIsStartedAgain() throws Exception {
        RecordingDevice d = new RecordingDevice();
        Bme280 bme = new Bme280(d);
        bme.read(reading());
        d.nack = true;
        assertEquals("i2c-1 0x76: NACK", assertThrows(SensorReadException.class, () -> bme.read(reading())).getMessage());
        d.nack = false;
        d.log.clear();
        bme.read(reading());
        assertEquals("read 0xd0", d.log.get(0), "re-checks the id: the chip may have been power-cycled");
    }

    @Test
    void dataRegistersAtTheirResetValueAreNotAReading() {
        RecordingDevice d = new RecordingDevice();
        d.data = new byte[] {(byte) 0x80, 0, 0, (byte) 0x80, 0, 0, (byte) 0x80, 0};
        SensorReadException e = assertThrows(SensorReadException.class, () -> new Bme280(d).read(reading()));
        assertEquals("i2c-1 0x76: no measurement yet (data registers at reset value)", e.getMessage());
    }
}
