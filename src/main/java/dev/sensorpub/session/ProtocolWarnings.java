package dev.sensorpub.session;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;

/**
 * Warnings about a broker's protocol slips, which a misbehaving broker can repeat thousands of
 * times a minute with only a packet id changing. The first of a kind is logged at once, with its
 * id; the rest are counted and summed up in one line per interval. Nothing is allocated unless a
 * line is written.
 */
final class ProtocolWarnings {
    static final int UNEXPECTED_PUBACK = 0;
    static final int UNEXPECTED_PUBREC = 1;
    static final int UNEXPECTED_PUBCOMP = 2;
    static final int UNEXPECTED_SUBACK = 3;
    static final int UNEXPECTED_UNSUBACK = 4;
    static final int OVERSIZED_PUBLISH = 5;
    /** Each kind's first line, before its number; short enough to fit the count line too. */
    private static final String[] WHAT = {
        "PUBACK for an id not awaiting one; ignored",
        "PUBREC for an id not awaiting one; PUBREL sent",
        "PUBCOMP for an id not awaiting one; ignored",
        "SUBACK for an id not awaiting one; ignored",
        "UNSUBACK for an id we never sent; ignored",
        "inbound PUBLISH over mqtt.max-packet-size; acked, dropped",
    };
    /** The count line's words: the first line said which setting, the count line need not. */
    private static final String[] COUNTED = {
        WHAT[0], WHAT[1], WHAT[2], WHAT[3], WHAT[4], "oversized PUBLISH acked, dropped",
    };
    /** What the number is: a packet id has no unit, a size is in bytes. */
    private static final String[] UNIT = {"", "", "", "", "", " B"};
    private static final Logger LOG = Log.logger("mqtt");

    private final long intervalMillis;
    /** Start of each kind's interval; a kind with no open interval logs its next warning in full. */
    private final long[] since = new long[WHAT.length];
    private final boolean[] open = new boolean[WHAT.length];
    private final long[] more = new long[WHAT.length];
    private final long[] lastNumber = new long[WHAT.length];
    private final long[] total = new long[WHAT.length];

    ProtocolWarnings(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** One occurrence of {@code kind}; {@code number} is what differs (a packet id, a size). */
    void warn(int kind, long number, long nowMillis) {
        total[kind]++;
        lastNumber[kind] = number;
        if (!open[kind]) {
            open[kind] = true;
            since[kind] = nowMillis;
            LOG.warn(firstLine(kind, number));
            return;
        }
        more[kind]++;
        tick(nowMillis);
    }

    /**
     * Writes the summary of every kind whose interval is over; the session calls it each round,
     * whether or not a link is up (a broker that slipped and went away still gets its count).
     */
    void tick(long nowMillis) {
        for (int kind = 0; kind < WHAT.length; kind++) {
            if (open[kind] && nowMillis - since[kind] >= intervalMillis) {
                if (more[kind] > 0) {
                    summarize(kind, nowMillis);
                } else {
                    open[kind] = false;
                }
            }
        }
    }

    /** Writes every count not yet written, interval over or not: at a stop. */
    void flush(long nowMillis) {
        for (int kind = 0; kind < WHAT.length; kind++) {
            if (more[kind] > 0) {
                summarize(kind, nowMillis);
            }
        }
    }

    /** When the next summary is due, or Long.MAX_VALUE if no count waits. */
    long nextSummaryMillis() {
        long next = Long.MAX_VALUE;
        for (int kind = 0; kind < WHAT.length; kind++) {
            if (more[kind] > 0) {
                next = Math.min(next, since[kind] + intervalMillis);
            }
        }
        return next;
    }

    private void summarize(int kind, long nowMillis) {
        LOG.warn(countLine(kind, more[kind], (nowMillis - since[kind]) / 1000, lastNumber[kind]));
        more[kind] = 0;
        since[kind] = nowMillis;
    }

    static String firstLine(int kind, long number) {
        return WHAT[kind] + " (" + number + UNIT[kind] + ")";
    }

    static String countLine(int kind, long more, long seconds, long lastNumber) {
        return COUNTED[kind] + ": " + more + " more in " + seconds + " s (last " + lastNumber + UNIT[kind] + ")";
    }

    static int kinds() {
        return WHAT.length;
    }

    /** How many warnings of {@code kind} there were, logged or counted. */
    long count(int kind) {
        return total[kind];
    }
}
