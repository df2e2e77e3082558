package dev.sensorpub.linklab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The link lab's results as a Markdown table, one row per scenario, with a verdict per row. */
public final class LinkTable {
    private LinkTable() {
    }

    public static String markdown(List<LinkResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| link | loss | QoS | outage | readings | lost | behind at stop | connects (due) "
                + "| duplicates (allowed) | in order | backlog | drain | caught up | drain uplink use | holds |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int holding = 0;
        int drainCells = 0;
        int drainHolding = 0;
        for (LinkResult r : results) {
            LinkScenario s = r.scenario();
            out.append("| ").append(s.shape().upKbit()).append(" kbit/s ").append(s.shape().shared() ? "shared" : "full")
                    .append(" | ").append(percent(s.shape().lossPercent() / 100))
                    .append(" | ").append(s.qos())
                    .append(" | ").append(s.outageMillis() == 0 ? "-" : s.outageMillis() / 1000 + " s")
                    .append(" | ").append(r.produced() < 0 ? "?" : String.valueOf(r.produced()))
                    .append(" | ").append(r.produced() < 0 ? "?" : String.valueOf(r.lost()))
                    .append(" | ").append(r.produced() < 0 ? "?" : String.valueOf(r.behind()))
                    .append(" | ").append(r.connects()).append(" (").append(r.connectsDue()).append(')')
                    .append(" | ").append(r.duplicates()).append(" (").append(r.duplicatesAllowed()).append(')')
                    .append(" | ").append(r.outOfOrder() == 0 ? "yes" : "no: " + r.outOfOrder())
                    .append(" | ").append(s.outages() == 0 ? "-" : String.valueOf(r.backlog()))
                    .append(" | ").append(afterOutage(r, r.drainMillis()))
                    .append(" | ").append(afterOutage(r, r.caughtUpMillis()))
                    .append(" | ").append(r.drainUseText())
                    .append(" | ").append(verdict(r))
                    .append(" |\n");
            holding += r.deliveryHolds() ? 1 : 0;
            if (r.drainTargetApplies()) {
                drainCells++;
                drainHolding += r.drainHolds() ? 1 : 0;
            }
        }
        out.append('\n').append("Delivery holds (lost 0, at most ").append(LinkResult.BEHIND_ALLOWED)
                .append(" readings behind at the stop, connects as due, duplicates within one window per outage,"
                + " first arrivals in order) in ").append(holding).append(" of ").append(results.size())
                .append(" runs; the drain uses >= ").append(percent(LinkResult.DRAIN_USE_TARGET))
                .append(" of the uplink in ").append(drainHolding).append(" of ").append(drainCells)
                .append(" runs with an outage at QoS 0 and 1.\n");
        List<String> notes = new ArrayList<>();
        for (LinkResult r : results) {
            if (!r.note().isEmpty()) {
                notes.add("- " + r.scenario().describe() + ": " + r.note());
            }
        }
        if (!notes.isEmpty()) {
            out.append("\nNotes:\n").append(String.join("\n", notes)).append('\n');
        }
        return out.toString();
    }

    /** A time from the connect after the outage, or where it never came. */
    private static String afterOutage(LinkResult r, long millis) {
        if (r.scenario().outages() == 0) {
            return "-";
        }
        return millis < 0 ? "not in " + r.scenario().drainTimeoutMillis() / 1000 + " s"
                : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** "yes", or what failed: e.g. "no: lost, connects". */
    static String verdict(LinkResult r) {
        List<String> failed = new ArrayList<>();
        if (r.produced() < 0 || r.lost() != 0) {
            failed.add("lost");
        }
        if (r.behind() > LinkResult.BEHIND_ALLOWED) {
            failed.add("behind");
        }
        if (r.connects() != r.connectsDue()) {
            failed.add("connects");
        }
        if (r.duplicates() > r.duplicatesAllowed()) {
            failed.add("duplicates");
        }
        if (r.outOfOrder() != 0) {
            failed.add("order");
        }
        if (!r.drained()) {
            failed.add("drain");
        } else {
            if (!r.caughtUp()) {
                failed.add("catch-up");
            }
            if (!r.drainHolds()) {
                failed.add("uplink use");
            }
        }
        return failed.isEmpty() ? "yes" : "no: " + String.join(", ", failed);
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }
}
