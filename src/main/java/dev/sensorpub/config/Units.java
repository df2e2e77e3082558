package dev.sensorpub.config;

/**
 * The two unit syntaxes of the mapping file. Durations: a whole number followed by ms, s, m
 * or h ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}); a bare {@code 0} is allowed.
 * Sizes: a whole number of bytes, optionally followed by B, bytes, KiB, MiB or GiB
 * ({@code 1024}, {@code 1024 bytes}, {@code 512KiB}, {@code 8MiB}).
 */
public final class Units {
    private Units() {
    }

    /** @throws IllegalArgumentException with a reason a person can act on */
    public static long parseDurationMillis(String text) {
        Split s = split(text, "a duration; write e.g. 500ms, 10s, 5m or 1h");
        long factor;
        switch (s.unit) {
            case "ms": factor = 1; break;
            case "s": factor = 1_000; break;
            case "m": factor = 60_000; break;
            case "h": factor = 3_600_000; break;
            case "":
                if (s.number == 0) {
                    return 0;
                }
                throw new IllegalArgumentException("'" + text + "' has no unit; write e.g. " + s.number + "ms or "
                        + s.number + "s");
            default:
                throw new IllegalArgumentException("'" + text + "' has unknown unit '" + s.unit
                        + "'; use ms, s, m or h");
        }
        return multiply(s.number, factor, text);
    }

    /** @throws IllegalArgumentException with a reason a person can act on */
    public static long parseSizeBytes(String text) {
        Split s = split(text, "a size; write e.g. 1024, 512KiB or 8MiB");
        long factor;
        switch (s.unit) {
            case "": case "B": case "bytes": factor = 1; break;
            case "KiB": factor = 1L << 10; break;
            case "MiB": factor = 1L << 20; break;
            case "GiB": factor = 1L << 30; break;
            case "KB": case "kB": case "MB": case "GB":
                throw new IllegalArgumentException("'" + text + "': use binary units KiB, MiB or GiB (1 KiB = 1024 bytes)");
            default:
                throw new IllegalArgumentException("'" + text + "' has unknown unit '" + s.unit
                        + "'; use bytes, KiB, MiB or GiB");
        }
        return multiply(s.number, factor, text);
    }

    private record Split(long number, String unit) {
    }

    /** Leading whole number and the unit text after it. */
    private static Split split(String text, String expected) {
        String t = text.trim();
        int digits = leadingDigits(t);
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not " + expected);
        }
        return new Split(parseWhole(t.substring(0, digits), text), t.substring(digits).trim());
    }

    private static int leadingDigits(String t) {
        int i = 0;
        while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static long parseWhole(String digits, String text) {
        if (digits.length() > 15) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return Long.parseLong(digits);
    }

    private static long multiply(long number, long factor, String text) {
        try {
            return Math.multiplyExact(number, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }
}
