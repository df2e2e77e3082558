package dev.sensorpub.agent;

/**
 * The periodic one-line summary a person at an 80-column serial console reads to know all is
 * well. At most {@link #MAX_LENGTH} characters: the link, the backlog, then only what went
 * wrong (failing sensors by name, losses, storage trouble, dead links), then traffic
 * (confirmed, in flight). What does not fit ends in {@code ...}; the retained health message
 * carries every number. Built once per status interval, so it may allocate.
 */
final class StatusLine {
    static final int MAX_LENGTH = 80;
    private static final String MORE = ", ...";
    /** Characters of sensor names in "failing a,b,+3", so that other problems still fit. */
    private static final int NAMES_BUDGET = 30;

    private StatusLine() {
    }

    static String of(Vitals v) {
        StringBuilder line = new StringBuilder(MAX_LENGTH + MORE.length()).append("status: link ")
                .append(v.linkUp ? "up" : "down").append(", queued ").append(v.queuedMessages);
        String[] optional = {
            v.failingSensors > 0 ? failing(v) : null,
            v.dropped() > 0 ? "dropped " + v.dropped() : null,
            v.expired > 0 ? "expired " + v.expired : null,
            v.onMemoryFallback() ? "storage errors " + v.storageErrors + " (queue in memory)"
                    : v.storageErrors > 0 ? "storage errors " + v.storageErrors : null,
            v.corruptSkipped > 0 ? "corrupt " + v.corruptSkipped : null,
            v.deadLinks > 0 ? "dead links " + v.deadLinks : null,
            v.reconnects > 0 ? "reconnects " + v.reconnects : null,
            v.sensorErrors > 0 ? "sensor errors " + v.sensorErrors : null,
            "confirmed " + v.confirmed,
            "in flight " + v.inFlight,
        };
        for (int i = 0; i < optional.length; i++) {
            String segment = optional[i];
            if (segment == null) {
                continue;
            }
            boolean last = remaining(optional, i + 1) == 0;
            int room = MAX_LENGTH - line.length() - (last ? 0 : MORE.length());
            if (2 + segment.length() > room) {
                return line.append(MORE).toString();
            }
            line.append(", ").append(segment);
        }
        return line.toString();
    }

    private static int remaining(String[] segments, int from) {
        int n = 0;
        for (int i = from; i < segments.length; i++) {
            n += segments[i] == null ? 0 : 1;
        }
        return n;
    }

    /** "failing cpu,door": failing sensors in schedule order, "+N" for those that do not fit. */
    private static String failing(Vitals v) {
        StringBuilder names = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < v.sensorNames.length; i++) {
            if (v.failingInARow[i] == 0) {
                continue;
            }
            int after = v.failingSensors - shown - 1;
            int need = names.length() + (shown > 0 ? 1 : 0) + v.sensorNames[i].length() + (after > 0 ? 4 : 0);
            if (need > NAMES_BUDGET) {
                break;
            }
            names.append(shown > 0 ? "," : "").append(v.sensorNames[i]);
            shown++;
        }
        if (shown < v.failingSensors) {
            names.append(shown > 0 ? ",+" : "+").append(v.failingSensors - shown);
        }
        return "failing " + names;
    }
}
