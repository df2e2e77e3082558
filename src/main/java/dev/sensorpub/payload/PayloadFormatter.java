package dev.sensorpub.payload;

import dev.sensorpub.time.Timestamps;
import java.nio.charset.StandardCharsets;

/**
 * Turns one quantity's reading into its MQTT payload, written into the caller's byte array
 * with no allocation. Everything that depends only on configuration (unit, on/off payloads,
 * the JSON around the value) is encoded once, here in the constructor.
 *
 * <ul>
 * <li>{@code plain}: the number alone, "21.50"; a digital reading: its on or off payload.</li>
 * <li>{@code json}: {"value":21.50,"unit":"C","ts":"2026-11-21T10:15:02.123Z"} ("unit" left
 *     out when empty); a digital reading: {"value":"ON","ts":"..."}.</li>
 * </ul>
 *
 * <p>Numbers: value x scale + offset, rounded half away from zero to {@code decimals} places
 * (the rounding sees the binary double, so 1.005 is 1.00499999... and becomes "1.00"), never
 * an exponent, never "-0". NaN and infinities are not formatted: {@link #format} returns
 * {@link #NOT_FINITE} and the caller skips (and counts) the reading. A value whose scaled
 * magnitude reaches 2^53 (beyond which doubles no longer hold every integer) returns
 * {@link #OUT_OF_RANGE}.
 */
public final class PayloadFormatter {
    public static final int NOT_FINITE = -1;
    public static final int OUT_OF_RANGE = -2;
    public static final int NO_ROOM = -3;
    /** {@link #stampAt}: the payload holds no timestamp. */
    public static final int NO_STAMP = -1;
    public static final int MAX_DECIMALS = 9;
    private static final double LIMIT = 0x1.0p53;
    private static final long[] POWERS = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L};
    /** "-" + 16 integer digits + "." + 9 decimals. */
    private static final int MAX_NUMBER_LENGTH = 27;

    private final boolean json;
    private final boolean digital;
    private final int decimals;
    private final double scale;
    private final double offset;
    private final byte[] before;   // JSON text before the number / the on payload (digital)
    private final byte[] after;    // JSON text after the number, up to the timestamp
    private final byte[] off;      // digital: the off payload (plain) or JSON head for off
    private final byte[] end;      // JSON: closing quote and brace after the timestamp
    private final long factor;

    private PayloadFormatter(boolean json, boolean digital, int decimals, double scale, double offset, byte[] before,
                             byte[] after, byte[] off) {
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals must be 0-" + MAX_DECIMALS + ", was " + decimals);
        }
        this.json = json;
        this.digital = digital;
        this.decimals = decimals;
        this.scale = scale;
        this.offset = offset;
        this.before = before;
        this.after = after;
        this.off = off;
        this.end = ascii("\"}");
        this.factor = POWERS[decimals];
    }

    /** A number: {@code plain} or JSON with unit (empty: left out) and timestamp. */
    public static PayloadFormatter number(boolean json, int decimals, double scale, double offset, String unit) {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("scale and offset must be finite");
        }
        byte[] before = json ? ascii("{\"value\":") : new byte[0];
        byte[] after = !json ? new byte[0]
                : unit == null || unit.isEmpty() ? ascii(",\"ts\":\"")
                : utf8(",\"unit\":" + JsonText.quote(unit) + ",\"ts\":\"");
        return new PayloadFormatter(json, false, decimals, scale, offset, before, after, null);
    }

    /** A digital state (value != 0 is on): the on/off payload itself, or inside JSON with a timestamp. */
    public static PayloadFormatter digital(boolean json, String onPayload, String offPayload) {
        byte[] on = json ? utf8("{\"value\":" + JsonText.quote(onPayload) + ",\"ts\":\"") : utf8(onPayload);
        byte[] offBytes = json ? utf8("{\"value\":" + JsonText.quote(offPayload) + ",\"ts\":\"") : utf8(offPayload);
        return new PayloadFormatter(json, true, 0, 1, 0, on, new byte[0], offBytes);
    }

    /** An upper bound of {@link #format}'s output, for sizing buffers once. */
    public int maxLength() {
        int value = digital ? Math.max(before.length, off.length) : before.length + MAX_NUMBER_LENGTH + after.length;
        return value + (json ? Timestamps.LENGTH + end.length : 0);
    }

    /**
     * Where the {@link Timestamps#LENGTH}-byte stamp starts in a payload of {@code length} bytes
     * this formatter wrote, counted from the payload's first byte, or {@link #NO_STAMP}. The
     * stamp is the last thing before a fixed ending, so the queue can rewrite it in place when
     * the wall clock was stepped while the reading waited.
     */
    public int stampAt(int length) {
        return json ? length - end.length - Timestamps.LENGTH : NO_STAMP;
    }

    /**
     * Writes the payload at {@code dst[at]} and returns its length, or a negative code:
     * {@link #NOT_FINITE}, {@link #OUT_OF_RANGE}, {@link #NO_ROOM} (nothing useful written).
     */
    public int format(double value, long timestampMillis, byte[] dst, int at) {
        if (dst.length - at < maxLength()) {
            return NO_ROOM;
        }
        int p = at;
        if (digital) {
            if (Double.isNaN(value)) {
                return NOT_FINITE;
            }
            byte[] head = value != 0 ? before : off;
            System.arraycopy(head, 0, dst, p, head.length);
            p += head.length;
        } else {
            double v = value * scale + offset;
            if (!Double.isFinite(v)) {
                return NOT_FINITE;
            }
            double magnitude = Math.abs(v) * factor;
            if (magnitude >= LIMIT) {
                return OUT_OF_RANGE;
            }
            System.arraycopy(before, 0, dst, p, before.length);
            p += before.length;
            p = writeFixed(v < 0, roundHalfUp(magnitude), dst, p);
            System.arraycopy(after, 0, dst, p, after.length);
            p += after.length;
        }
        if (json) {
            Timestamps.write(timestampMillis, dst, p);
            p += Timestamps.LENGTH;
            System.arraycopy(end, 0, dst, p, end.length);
            p += end.length;
        }
        return p - at;
    }

    /** Not floor(m + 0.5): near 2^53 that sum itself rounds up and "…991" would print as "…992". */
    private static long roundHalfUp(double magnitude) {
        long whole = (long) magnitude;
        return magnitude - whole >= 0.5 ? whole + 1 : whole;
    }

    /** Writes units / factor with exactly {@code decimals} places; a rounded-away sign is dropped. */
    private int writeFixed(boolean negative, long units, byte[] dst, int p) {
        if (negative && units != 0) {
            dst[p++] = '-';
        }
        long whole = units / factor;
        long fraction = units % factor;
        int digits = 1;
        for (long w = whole; w >= 10; w /= 10) {
            digits++;
        }
        for (int i = digits - 1; i >= 0; i--) {
            dst[p + i] = (byte) ('0' + whole % 10);
            whole /= 10;
        }
        p += digits;
        if (decimals > 0) {
            dst[p++] = '.';
            for (int i = decimals - 1; i >= 0; i--) {
                dst[p + i] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            p += decimals;
        }
        return p;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
