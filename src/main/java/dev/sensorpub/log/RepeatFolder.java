package dev.sensorpub.log;

/**
 * Folds repeated lines so a broken sensor or an unreachable broker cannot flood a 115200-baud
 * console. A person sees the first occurrence of a line at once; while the same line (same
 * level, component and message) keeps coming, at most one summary per window follows it:
 * {@code 57 more: <message>}. A line that stops repeating has its last count
 * printed when its window ends (at the next log call or {@link Log#tick()}, whichever comes
 * first); a line seen again after a quiet window is printed in full again.
 * <p>
 * Several lines fold independently (two failing sensors take turns without defeating the
 * folding), which is why the summary repeats the message: it need not follow its line. The
 * table holds the {@link #SLOTS} most recent distinct lines; a new line takes the oldest slot,
 * first printing what that slot still owed. Checking a repeat scans the table and allocates
 * nothing. Not thread-safe: {@link ConsoleSink} calls it under its lock.
 */
final class RepeatFolder {
    static final int SLOTS = 16;

    /** Receives the summaries the folder decides to print. */
    interface Summaries {
        void repeated(Level level, String component, String message, int times);
    }

    private final long windowNanos;
    private final Level[] levels = new Level[SLOTS];
    private final String[] components = new String[SLOTS];
    private final String[] messages = new String[SLOTS];
    private final long[] windowStarts = new long[SLOTS];
    private final int[] suppressed = new int[SLOTS];

    /** A window of zero turns folding off: every line is printed. */
    RepeatFolder(long windowNanos) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("fold window must not be negative, was " + windowNanos + " ns");
        }
        this.windowNanos = windowNanos;
    }

    /**
     * Decides whether a line is printed now (true) or counted (false). Summaries that are due,
     * for this line or others, go to {@code out} first, so they come out before the line.
     */
    boolean admit(Level level, String component, String message, long nowNanos, Summaries out) {
        if (windowNanos == 0) {
            return true;
        }
        int slot = find(level, component, message);
        if (slot < 0) {
            tick(nowNanos, out);
            slot = freeOrOldestSlot(out);
            levels[slot] = level;
            components[slot] = component;
            messages[slot] = message;
            windowStarts[slot] = nowNanos;
            suppressed[slot] = 0;
            return true;
        }
        boolean print = false;
        if (!expired(slot, nowNanos)) {
            suppressed[slot]++;
        } else if (suppressed[slot] == 0) {
            windowStarts[slot] = nowNanos;   // quiet for a whole window: print it as a fresh line
            print = true;
        } else {
            out.repeated(level, component, message, suppressed[slot] + 1);
            suppressed[slot] = 0;
            windowStarts[slot] = nowNanos;
        }
        tick(nowNanos, out);
        return print;
    }

    /** Prints the counts whose window has ended and forgets lines that have gone quiet. */
    void tick(long nowNanos, Summaries out) {
        for (int i = 0; i < SLOTS; i++) {
            if (messages[i] != null && expired(i, nowNanos)) {
                if (suppressed[i] > 0) {
                    out.repeated(levels[i], components[i], messages[i], suppressed[i]);
                    suppressed[i] = 0;
                    windowStarts[i] = nowNanos;
                } else {
                    clear(i);
                }
            }
        }
    }

    /** Prints every count still owed and forgets everything: for shutdown. */
    void flush(Summaries out) {
        for (int i = 0; i < SLOTS; i++) {
            if (messages[i] != null && suppressed[i] > 0) {
                out.repeated(levels[i], components[i], messages[i], suppressed[i]);
            }
            clear(i);
        }
    }

    private int find(Level level, String component, String message) {
        for (int i = 0; i < SLOTS; i++) {
            if (levels[i] == level && message.equals(messages[i]) && component.equals(components[i])) {
                return i;
            }
        }
        return -1;
    }

    private int freeOrOldestSlot(Summaries out) {
        int oldest = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (messages[i] == null) {
                return i;
            }
            if (windowStarts[i] - windowStarts[oldest] < 0) {
                oldest = i;
            }
        }
        if (suppressed[oldest] > 0) {
            out.repeated(levels[oldest], components[oldest], messages[oldest], suppressed[oldest]);
        }
        return oldest;
    }

    private boolean expired(int slot, long nowNanos) {
        return nowNanos - windowStarts[slot] >= windowNanos;
    }

    private void clear(int slot) {
        levels[slot] = null;
        components[slot] = null;
        messages[slot] = null;
        suppressed[slot] = 0;
    }
}
