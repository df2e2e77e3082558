package dev.sensorpub.sensor.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Where the expected numbers come from:
 * <ul>
 * <li>Temperature and pressure: the worked example in the BMP280 datasheet (section 3.12,
 *     "Calculating pressure and temperature"; the BME280 uses the same formulas and register
 *     layout for T and P): dig_T1..T3 = 27504, 26435, -1000; dig_P1..P9 = 36477, -10685, 3024,
 *     2855, 140, -7, 15500, -14600, 6000; adc_T = 519888 gives 25.08 C, adc_P = 415148 gives
 *     100653.27 Pa.</li>
 * <li>Humidity has no worked example in the datasheet, so the test computes the expected
 *     value with the datasheet's floating-point formula (BME280 datasheet appendix 8.1),
 *     written out independently below, and requires the integer result to agree within its
 *     resolution.</li>
 * </ul>
 */
class Bme280CompensationTest {
    static final int[] T = {27504, 26435, -1000};
    static final int[] P = {36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000};
    /** Typical humidity trimming values of a real part. */
    static final int H1 = 75;
    static final int H2 = 362;
    static final int H3 = 0;
    static final int H4 = 313;
    static final int H5 = 50;
    static final int H6 = 30;

    /** Registers 0x88..0xA1 as the chip stores them (little endian, 0xA0 reserved, 0xA1 = dig_H1). */
    static byte[] calibrationTp() {
        byte[] b = new byte[26];
        int i = 0;
        for (int v : T) {
            b[i++] = (byte) v;
            b[i++] = (byte) (v >> 8);
        }
        for (int v : P) {
            b[i++] = (byte) v;
            b[i++] = (byte) (v >> 8);
        }
        b[25] = (byte) H1;
        return b;
    }

    /** Registers 0xE1..0xE7: dig_H4 and dig_H5 share 0xE5's nibbles. */
    static byte[] calibrationH() {
        return new byte[] {(byte) H2, (byte) (H2 >> 8), (byte) H3, (byte) (H4 >> 4),
                (byte) ((H4 & 0x0F) | ((H5 & 0x0F) << 4)), (byte) (H5 >> 4), (byte) H6};
    }

    @Test
    void calibrationIsUnpackedFromTheRegisterLayout() {
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), calibrationH());
        assertEquals(27504, c.t1);
        assertEquals(-1000, c.t3);
        assertEquals(36477, c.p1);
        assertEquals(-14600, c.p8);
        assertEquals(75, c.h1);
        assertEquals(362, c.h2);
        assertEquals(313, c.h4);
        assertEquals(50, c.h5);
        assertEquals(30, c.h6);
    }

    @Test
    void negativeTwelveBitHumidityTrimsAreSignExtended() {
        byte[] h = {0, 0, 0, (byte) 0xFF, (byte) 0xEF, (byte) 0xFE, (byte) 0xF0};
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), h);
        assertEquals(-1, c.h4); // 0xFF << 4 | 0xF
        assertEquals(-18, c.h5); // 0xFE << 4 | 0xE
        assertEquals(-16, c.h6);
    }

    @Test
    void datasheetExampleTemperatureAndPressure() {
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), null);
        assertEquals(2508, c.temperatureCentiC(519888));
        // The example's 100653.27 Pa was computed in double precision; the 64-bit integer formula
        // truncates at other points and lands 0.016 Pa lower, far inside its 1/256 Pa steps x a few.
        assertEquals(100653.27, c.pressureQ24_8(415148) / 256.0, 0.05);
    }

    @Test
    void humidityAgreesWithTheDatasheetFloatingPointFormula() {
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), calibrationH());
        for (int adcT : new int[] {400_000, 519_888, 600_000}) {
            int centi = c.temperatureCentiC(adcT);
            double tFine = tFineDouble(adcT);
            for (int adcH = 20_000; adcH <= 40_000; adcH += 2_500) {
                double expected = humidityDouble(adcH, tFine);
                assertEquals(expected, c.humidityQ22_10(adcH) / 1024.0, 0.05,
                        "adc_T " + adcT + " (" + centi + ") adc_H " + adcH);
            }
        }
    }

    @Test
    void humidityIsClampedToZeroToHundred() {
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), calibrationH());
        c.temperatureCentiC(519888);
        assertEquals(0, c.humidityQ22_10(0));
        assertEquals(100.0, c.humidityQ22_10(65535) / 1024.0);
    }

    @Test
    void pressureFromIntegersAgreesWithTheFloatingPointFormulaAcrossTheRange() {
        Bme280Compensation c = new Bme280Compensation(calibrationTp(), null);
        c.temperatureCentiC(519888);
        double tFine = tFineDouble(519888);
        for (int adcP = 250_000; adcP <= 550_000; adcP += 25_000) {
            assertEquals(pressureDouble(adcP, tFine), c.pressureQ24_8(adcP) / 256.0, 1.0, "adc_P " + adcP);
        }
    }

    @Test
    void zeroCalibrationDoesNotDivideByZero() {
        Bme280Compensation c = new Bme280Compensation(new byte[26], null);
        c.temperatureCentiC(519888);
        assertEquals(0, c.pressureQ24_8(415148));
    }

    // The datasheet's appendix 8.1 double-precision formulas, for comparison only.

    private static double tFineDouble(int adcT) {
        double var1 = (adcT / 16384.0 - T[0] / 1024.0) * T[1];
        double d = adcT / 131072.0 - T[0] / 8192.0;
        double var2 = d * d * T[2];
        return (int) (var1 + var2);
    }

    private static double pressureDouble(int adcP, double tFine) {
        double var1 = tFine / 2.0 - 64000.0;
        double var2 = var1 * var1 * P[5] / 32768.0;
        var2 = var2 + var1 * P[4] * 2.0;
        var2 = var2 / 4.0 + P[3] * 65536.0;
        var1 = (P[2] * var1 * var1 / 524288.0 + P[1] * var1) / 524288.0;
        var1 = (1.0 + var1 / 32768.0) * P[0];
        double p = 1048576.0 - adcP;
        p = (p - var2 / 4096.0) * 6250.0 / var1;
        var1 = P[8] * p * p / 2147483648.0;
        var2 = p * P[7] / 32768.0;
        return p + (var1 + var2 + P[6]) / 16.0;
    }

    private static double humidityDouble(int adcH, double tFine) {
        double h = tFine - 76800.0;
        h = (adcH - (H4 * 64.0 + H5 / 16384.0 * h))
                * (H2 / 65536.0 * (1.0 + H6 / 67108864.0 * h * (1.0 + H3 / 67108864.0 * h)));
        h = h * (1.0 - H1 * h / 524288.0);
        return Math.max(0, Math.min(100, h));
    }
}
