package dev.sensorpub.sensor.chip;

/**
 * Bosch's integer compensation for the BME280 (and BMP280, without humidity), as given in the
 * BME280 datasheet section 4.2.3: temperature in 32-bit, pressure in 64-bit, humidity in
 * 32-bit arithmetic. Java's int and long wrap and shift like the datasheet's signed C types,
 * so the formulas carry over operator for operator.
 *
 * <p>Temperature must be compensated first in every cycle: it sets {@code tFine}, which the
 * pressure and humidity formulas use.
 */
public final class Bme280Compensation {
    final int t1;
    final int t2;
    final int t3;
    final long p1;
    final long p2;
    final long p3;
    final long p4;
    final long p5;
    final long p6;
    final long p7;
    final long p8;
    final long p9;
    final int h1;
    final int h2;
    final int h3;
    final int h4;
    final int h5;
    final int h6;
    private int tFine;

    /**
     * @param tp the 26 bytes of registers 0x88..0xA1 (dig_T1..dig_P9, reserved, dig_H1)
     * @param h  the 7 bytes of registers 0xE1..0xE7 (dig_H2..dig_H6), or null for a BMP280
     */
    public Bme280Compensation(byte[] tp, byte[] h) {
        t1 = u16(tp, 0);
        t2 = s16(tp, 2);
        t3 = s16(tp, 4);
        p1 = u16(tp, 6);
        p2 = s16(tp, 8);
        p3 = s16(tp, 10);
        p4 = s16(tp, 12);
        p5 = s16(tp, 14);
        p6 = s16(tp, 16);
        p7 = s16(tp, 18);
        p8 = s16(tp, 20);
        p9 = s16(tp, 22);
        h1 = tp[25] & 0xFF;
        if (h == null) {
            h2 = h3 = h4 = h5 = h6 = 0;
        } else {
            h2 = s16(h, 0);
            h3 = h[2] & 0xFF;
            // dig_H4 and dig_H5 are 12-bit values sharing register 0xE5's two nibbles.
            h4 = (h[3] << 4) | (h[4] & 0x0F);
            h5 = (h[5] << 4) | ((h[4] & 0xFF) >> 4);
            h6 = h[6];
        }
    }

    /** Temperature in hundredths of a degree C (5123 = 51.23 C); sets tFine. */
    public int temperatureCentiC(int adcT) {
        int var1 = (((adcT >> 3) - (t1 << 1)) * t2) >> 11;
        int d = (adcT >> 4) - t1;
        int var2 = (((d * d) >> 12) * t3) >> 14;
        tFine = var1 + var2;
        return (tFine * 5 + 128) >> 8;
    }

    /** Pressure in Pa as unsigned Q24.8 (24674867 = 96386.2 Pa); 0 if the calibration is unusable. */
    public long pressureQ24_8(int adcP) {
        long var1 = (long) tFine - 128000;
        long var2 = var1 * var1 * p6;
        var2 = var2 + ((var1 * p5) << 17);
        var2 = var2 + (p4 << 35);
        var1 = ((var1 * var1 * p3) >> 8) + ((var1 * p2) << 12);
        var1 = (((1L << 47) + var1) * p1) >> 33;
        if (var1 == 0) {
            return 0; // the datasheet's guard against dividing by zero
        }
        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = (p9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = (p8 * p) >> 19;
        return ((p + var1 + var2) >> 8) + (p7 << 4);
    }

    /** Relative humidity in %RH as unsigned Q22.10 (47445 = 46.333 %RH). */
    public int humidityQ22_10(int adcH) {
        int v = tFine - 76800;
        v = ((((adcH << 14) - (h4 << 20) - (h5 * v)) + 16384) >> 15)
                * (((((((v * h6) >> 10) * (((v * h3) >> 11) + 32768)) >> 10) + 2097152) * h2 + 8192) >> 14);
        v = v - (((((v >> 15) * (v >> 15)) >> 7) * h1) >> 4);
        v = Math.max(0, Math.min(v, 419430400));
        return v >> 12;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    private static int s16(byte[] b, int i) {
        return (short) u16(b, i);
    }
}
