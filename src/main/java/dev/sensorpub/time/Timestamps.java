package dev.sensorpub.time;

/**
 * Writes epoch milliseconds as ISO-8601 UTC ("2026-11-21T10:15:02.123Z", always 24 bytes)
 * straight into a byte array. Hand-written because java.time allocates on every call.
 */
public final class Timestamps {
    public static final int LENGTH = 24;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
    static final long MAX_MILLIS = 253_402_300_799_999L;

    private Timestamps() {
    }

    /** Writes 24 bytes at {@code at}; times before 1970 or after 9999 are clamped to those bounds. */
    public static void write(long epochMillis, byte[] dst, int at) {
        long ms = Math.max(0, Math.min(epochMillis, MAX_MILLIS));
        long days = ms / MILLIS_PER_DAY;
        int millisOfDay = (int) (ms % MILLIS_PER_DAY);

        // Civil date from a day count, counting in 400-year eras that start on 1 March, so
        // the leap day is the last day of the counted year and needs no special case.
        long z = days + 719_468; // days from 0000-03-01 to 1970-01-01
        long era = z / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        digits(year, 4, dst, at);
        dst[at + 4] = '-';
        digits(month, 2, dst, at + 5);
        dst[at + 7] = '-';
        digits(day, 2, dst, at + 8);
        dst[at + 10] = 'T';
        digits(millisOfDay / 3_600_000, 2, dst, at + 11);
        dst[at + 13] = ':';
        digits(millisOfDay / 60_000 % 60, 2, dst, at + 14);
        dst[at + 16] = ':';
        digits(millisOfDay / 1000 % 60, 2, dst, at + 17);
        dst[at + 19] = '.';
        digits(millisOfDay % 1000, 3, dst, at + 20);
        dst[at + 23] = 'Z';
    }

    private static void digits(int value, int width, byte[] dst, int at) {
        for (int i = width - 1; i >= 0; i--) {
            dst[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
