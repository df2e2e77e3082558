package dev.sensorpub.linklab;

/**
 * What one {@link LinkScenario} delivered, counted by the subscriber and the broker, never by the
 * agent (except {@code produced}, its own count of readings taken).
 *
 * @param produced     readings the agent took (its shutdown log), or -1 if it never said
 * @param lost         readings that never arrived although a later one did
 * @param behind       readings taken after the last one that arrived: still queued when the agent
 *                     stopped (after its shutdown drain), gone with its memory queue
 * @param duplicates   arrivals beyond the first of a value
 * @param outOfOrder   first arrivals of a value lower than one already in
 * @param connects     CONNECTs the broker accepted from the agent
 * @param backlog      readings taken before the first connect after the outage that had not arrived
 *                     before the outage began (0 without outage)
 * @param drainMillis  from that connect until every reading taken before it was in; -1 if never
 * @param caughtUpMillis from that connect until the agent had caught up with what it takes live (at
 *                     most {@link #BEHIND_ALLOWED} readings behind); -1 if never
 * @param drainUplinkUse MQTT bytes sent uplink during the drain / what the shaper could pass in that time
 *                     (rate x time + its bucket); NaN if none
 * @param note         why a number is missing, or empty
 */
public record LinkResult(LinkScenario scenario, long produced, long lost, long behind, long duplicates, long outOfOrder,
                         int connects, long backlog, long drainMillis, long caughtUpMillis, double drainUplinkUse,
                         String note) {
    /** The bar for a drain: the uplink, not the window, is the limit. */
    public static final double DRAIN_USE_TARGET = 0.80;

    /** Readings a keeping-up agent may still hold at its stop: two seconds' worth. */
    public static final long BEHIND_ALLOWED = 2_000 / LinkScenario.READING_INTERVAL_MILLIS;

    public int connectsDue() {
        return scenario.outages() + 1;
    }

    public long duplicatesAllowed() {
        return (long) scenario.inflightWindow() * scenario.outages();
    }

    public boolean drained() {
        return scenario.outages() == 0 || drainMillis >= 0;
    }

    /** After an outage, the agent caught up with its live readings within the drain's bound. */
    public boolean caughtUp() {
        return scenario.outages() == 0 || caughtUpMillis >= 0;
    }

    /** Nothing lost, the agent keeping up (and catching up after an outage), no false dead link, duplicates within one window per outage, first arrivals in order. */
    public boolean deliveryHolds() {
        return produced >= 0 && lost == 0 && behind <= BEHIND_ALLOWED && connects == connectsDue() && duplicates <= duplicatesAllowed()
                && outOfOrder == 0 && drained() && caughtUp();
    }

    /** The drain target applies after an outage at QoS 0 and 1. */
    public boolean drainTargetApplies() {
        return scenario.outages() > 0 && scenario.qos() <= 1;
    }

    public boolean drainHolds() {
        return !drainTargetApplies() || (drained() && drainUplinkUse >= DRAIN_USE_TARGET);
    }

    /**
     * A use as whole percent, rounded down: a use just under the target must not read as the
     * target (79.5% is "79%", not "80%" beside "no: uplink use").
     */
    private static String wholePercent(double fraction) {
        return (long) Math.floor(fraction * 100) + "%";
    }

    /** The drain's uplink use as the table and the run's line show it: whole percent, or "-" if none. */
    String drainUseText() {
        return Double.isNaN(drainUplinkUse) ? "-" : wholePercent(drainUplinkUse);
    }

    /** One line for a test's failure message. */
    public String summary() {
        return scenario.describe() + ": produced " + produced + ", lost " + lost + ", behind " + behind + ", connects " + connects + " (due "
                + connectsDue() + "), duplicates " + duplicates + " (allowed " + duplicatesAllowed() + "), out of order "
                + outOfOrder + (scenario.outages() == 0 ? ""
                : ", backlog " + backlog + (drainMillis >= 0 ? " drained in " + drainMillis + " ms" : " not drained")
                        + (caughtUpMillis >= 0 ? ", caught up in " + caughtUpMillis + " ms" : ", not caught up")
                        + ", uplink use " + drainUseText())
                + (note.isEmpty() ? "" : " (" + note + ")");
    }
}
