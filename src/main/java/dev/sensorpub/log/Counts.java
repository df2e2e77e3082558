package dev.sensorpub.log;

/** A count and its noun for a log line or an error, so "1 message" is never "1 messages". */
public final class Counts {
    private Counts() {
    }

    /** {@code n} and {@code singular}, with an s unless n is 1; for nouns whose plural adds one. */
    public static String of(long n, String singular) {
        return n + " " + singular + (n == 1 ? "" : "s");
    }
}
