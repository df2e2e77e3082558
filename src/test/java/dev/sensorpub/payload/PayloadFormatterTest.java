package dev.sensorpub.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sensorpub.testing.AllocationMeter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadFormatterTest {
    /** 2026-11-21T10:15:02.123Z */
    private static final long TS = 1_795_256_102_123L;

    private static String plain(double value, int decimals) {
        return run(PayloadFormatter.number(false, decimals, 1, 0, ""), value);
    }

    private static String run(PayloadFormatter f, double value) {
        byte[] buf = new byte[f.maxLength() + 5];
        int n = f.format(value, TS, buf, 5);
        if (n < 0) {
            return "error " + n;
        }
        return new String(buf, 5, n, StandardCharsets.UTF_8);
    }

    @Test
    void plainNumbersHaveExactlyTheConfiguredDecimals() {
        assertEquals("21.50", plain(21.5, 2));
        assertEquals("0.00", plain(0, 2));
        assertEquals("3", plain(3, 0));
        assertEquals("0.000000001", plain(1e-9, 9));
        assertEquals("7.0", plain(7, 1));
    }

    @Test
    void roundsHalfAwayFromZero() {
        assertEquals("0.13", plain(0.125, 2)); // 0.125 is exact in binary
        assertEquals("-0.13", plain(-0.125, 2));
        assertEquals("3", plain(2.5, 0));
        assertEquals("-3", plain(-2.5, 0));
        assertEquals("1.00", plain(0.999, 2));
        assertEquals("10", plain(9.5, 0));
    }

    @Test
    void roundingSeesTheBinaryValue() {
        // 1.005 is stored as 1.00499999999999989...: documented to round down.
        assertEquals("1.00", plain(1.005, 2));
    }

    @Test
    void negativesAndNegativeZero() {
        assertEquals("-21.50", plain(-21.5, 2));
        assertEquals("-0.01", plain(-0.005, 2));
        assertEquals("0.00", plain(-0.004, 2)); // rounds to zero: no "-0.00"
        assertEquals("0", plain(-0.0, 0));
    }

    @Test
    void largeValuesUpToTwoToThe53() {
        assertEquals("123456789.50", plain(123456789.5, 2));
        assertEquals("9007199254740991", plain(9007199254740991.0, 0));
        assertEquals("error " + PayloadFormatter.OUT_OF_RANGE, plain(9007199254740992.0, 0));
        assertEquals("error " + PayloadFormatter.OUT_OF_RANGE, plain(1e20, 2));
        assertEquals("error " + PayloadFormatter.OUT_OF_RANGE, plain(-1e20, 2));
    }

    @Test
    void nanAndInfinityAreNeverFormatted() {
        assertEquals("error " + PayloadFormatter.NOT_FINITE, plain(Double.NaN, 2));
        assertEquals("error " + PayloadFormatter.NOT_FINITE, plain(Double.POSITIVE_INFINITY, 2));
        assertEquals("error " + PayloadFormatter.NOT_FINITE, plain(Double.NEGATIVE_INFINITY, 0));
        PayloadFormatter overflowingScale = PayloadFormatter.number(false, 0, 1e308, 0, "");
        assertEquals("error " + PayloadFormatter.NOT_FINITE, run(overflowingScale, 1e10));
    }

    @Test
    void scaleAndOffsetAreAppliedBeforeRounding() {
        // An MCP3008 count to percent: 512 x 100/1023 - 0 = 50.0488...
        assertEquals("50.05", run(PayloadFormatter.number(false, 2, 100.0 / 1023, 0, ""), 512));
        // A sensor reading 0.4 C high.
        assertEquals("21.10", run(PayloadFormatter.number(false, 2, 1, -0.4, ""), 21.5));
        assertEquals("-10.0", run(PayloadFormatter.number(false, 1, -2, 0, ""), 5));
    }

    @Test
    void jsonCarriesValueUnitAndTimestamp() {
        assertEquals("{\"value\":21.50,\"unit\":\"C\",\"ts\":\"2026-11-21T10:15:02.123Z\"}",
                run(PayloadFormatter.number(true, 2, 1, 0, "C"), 21.5));
        assertEquals("{\"value\":-3,\"ts\":\"2026-11-21T10:15:02.123Z\"}",
                run(PayloadFormatter.number(true, 0, 1, 0, ""), -3));
        assertEquals("{\"value\":1,\"unit\":\"\\\"q\\\\\",\"ts\":\"2026-11-21T10:15:02.123Z\"}",
                run(PayloadFormatter.number(true, 0, 1, 0, "\"q\\"), 1));
        assertEquals("{\"value\":1.0,\"unit\":\"°C\",\"ts\":\"2026-11-21T10:15:02.123Z\"}",
                run(PayloadFormatter.number(true, 1, 1, 0, "°C"), 1));
    }

    @Test
    void digitalReadingsUseTheOnOffPayloads() {
        PayloadFormatter plain = PayloadFormatter.digital(false, "open", "closed");
        assertEquals("open", run(plain, 1));
        assertEquals("closed", run(plain, 0));
        PayloadFormatter json = PayloadFormatter.digital(true, "ON", "OFF");
        assertEquals("{\"value\":\"ON\",\"ts\":\"2026-11-21T10:15:02.123Z\"}", run(json, 1));
        assertEquals("{\"value\":\"OFF\",\"ts\":\"2026-11-21T10:15:02.123Z\"}", run(json, 0));
        assertEquals("error " + PayloadFormatter.NOT_FINITE, run(plain, Double.NaN));
    }

    @Test
    void stampAtNamesWhereTheTimestampLiesInEachJsonPayload() {
        byte[] buf = new byte[128];
        for (PayloadFormatter f : new PayloadFormatter[] {PayloadFormatter.number(true, 2, 1, 0, "C"),
                PayloadFormatter.number(true, 0, 1, 0, ""), PayloadFormatter.digital(true, "ON", "OFF")}) {
            for (double value : new double[] {0, 1, -123456.789, 21.5}) {
                int n = f.format(value, TS, buf, 3);
                int at = f.stampAt(n);
                assertEquals("2026-11-21T10:15:02.123Z", new String(buf, 3 + at, 24, StandardCharsets.US_ASCII),
                        "stamp of " + new String(buf, 3, n, StandardCharsets.UTF_8));
            }
        }
        assertEquals(PayloadFormatter.NO_STAMP, PayloadFormatter.number(false, 2, 1, 0, "C").stampAt(5));
        assertEquals(PayloadFormatter.NO_STAMP, PayloadFormatter.digital(false, "ON", "OFF").stampAt(2));
    }

    @Test
    void refusesABufferThatMightBeTooSmall() {
        PayloadFormatter f = PayloadFormatter.number(true, 2, 1, 0, "C");
        assertEquals(PayloadFormatter.NO_ROOM, f.format(1, TS, new byte[f.maxLength() - 1], 0));
    }

    @Test
    void decimalsOutsideZeroToNineAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PayloadFormatter.number(false, 10, 1, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> PayloadFormatter.number(false, -1, 1, 0, ""));
    }

    @Test
    void formattingAllocatesNothing() {
        PayloadFormatter json = PayloadFormatter.number(true, 3, 1.5, -2, "hPa");
        PayloadFormatter plain = PayloadFormatter.number(false, 2, 1, 0, "");
        PayloadFormatter digital = PayloadFormatter.digital(true, "ON", "OFF");
        byte[] buf = new byte[256];
        long[] sink = new long[1];
        long allocated = AllocationMeter.steadyStateBytes(100_000, new Runnable() {
            private int i;

            @Override
            public void run() {
                i++;
                sink[0] += json.format(i * 0.37 - 5000, TS + i, buf, 0);
                sink[0] += plain.format(-i * 1.01, TS, buf, 100);
                sink[0] += digital.format(i & 1, TS, buf, 180);
                sink[0] += plain.format(Double.NaN, TS, buf, 0);
            }
        });
        assertEquals(0, allocated, "bytes allocated over 100,000 rounds of 4 formats");
    }
}
