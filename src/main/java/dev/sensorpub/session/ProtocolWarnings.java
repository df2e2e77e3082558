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
    private static final String[] WHAT = {
        "PUBACK for a packet id not awaiting one; ignored",
        "PUBREC for a packet id not awaiting one; PUBREL sent",
        "PUBCOMP for a packet id not awaiting one; ignored",
        "SUBACK for a packet id we are not waiting for; ignored",
        "UNSUBACK for a packet id we never sent; ignored",
        "inbound PUBLISH over mqtt.max-packet-size; acked, dropped",
    };
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
            LOG.warn(WHAT[kind] + " (" + number + ")");
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
        LOG.warn(WHAT[kind] + ": " + more[kind] + " more in " + (nowMillis - since[kind]) / 1000 + " s (last "
                + lastNumber[kind] + ")");
        more[kind] = 0;
        since[kind] = nowMillis;
    }

    /** How many warnings of {@code kind} there were, logged or counted. */
    long count(int kind) {
        return total[kind];
    }
}
