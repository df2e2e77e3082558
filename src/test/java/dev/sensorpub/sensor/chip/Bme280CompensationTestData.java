package dev.sensorpub.sensor.chip;

/** The datasheet example calibration bytes, shared with the Pi4J mock tests in another package. */
public final class Bme280CompensationTestData {
    private Bme280CompensationTestData() {
    }

    public static byte[] calibrationTp() {
        return Bme280CompensationTest.calibrationTp();
    }

    public static byte[] calibrationH() {
        return Bme280CompensationTest.calibrationH();
    }
}
