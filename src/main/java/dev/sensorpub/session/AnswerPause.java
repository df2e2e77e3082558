package dev.sensorpub.session;

/**
 * How long the loop pauses, when the in-flight window is full, before it reads the broker's
 * answers: long enough that one read takes the whole window's acknowledgements and one write
 * refills it, short enough that the window does not sit empty. Waking for every answer instead
 * costs a wait, a read and a write for each one or two messages, because the broker answers
 * each PUBLISH as it processes it.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>A pause lasts between {@link #MIN_NANOS} and {@link #MAX_NANOS}: a few round trips of a
 *       local broker, nothing next to the round trip of a thin link.</li>
 *   <li>At most one pause per refill: once a pause is followed by nothing sent, the next wait is
 *       on the socket (a window that stays full, as in an outage, is never polled).</li>
 *   <li>It adapts to what a pause gathered (messages sent after it, up to the next one): longer
 *       by an eighth after any pause that gathered less than a whole window, shorter by a
 *       thirty-second after one that gathered it all. A whole window is one message less when
 *       the refill kept its last message back (it goes out, unanswered yet, as the pause ends).
 *       Missing answers cost a round of system calls for fewer messages, a longer pause only
 *       some throughput, so it settles where a pause ends soon after the broker's last answer.</li>
 * </ul>
 */
final class AnswerPause {
    static final long MIN_NANOS = 50_000;
    static final long MAX_NANOS = 2_000_000;
    static final long START_NANOS = 300_000;

    private final int window;
    private long nanos = START_NANOS;
    /** Messages published when the last pause began, or -1 before the first. */
    private long publishedAtPause = -1;
    /** Whether the refill before the last pause kept its last message back. */
    private boolean heldAtPause;

    AnswerPause(int window) {
        this.window = window;
    }

    /**
     * The pause to take now that the window is full, given the count of messages published so
     * far and whether the last of them is kept back until the pause ends; 0 if nothing went out
     * since the last pause (then wait on the socket instead).
     */
    long next(long published, boolean lastHeldBack) {
        if (published == publishedAtPause) {
            return 0;
        }
        if (publishedAtPause >= 0) {
            long gathered = published - publishedAtPause;
            long whole = heldAtPause ? window - 1 : window;
            if (gathered < whole) {
                nanos = Math.min(MAX_NANOS, nanos + nanos / 8);
            } else {
                nanos = Math.max(MIN_NANOS, nanos - nanos / 32);
            }
        }
        publishedAtPause = published;
        heldAtPause = lastHeldBack;
        return nanos;
    }

    /**
     * Whether the broker's answers come within a pause: not once the pause has grown to its
     * longest, as on a thin or distant link. There a message kept back for the pause would go
     * out after it in a segment of its own, 66 bytes of headers for 18 of reading (the link
     * lab's QoS 1 drains at 8 to 16 kbit/s used 51 to 65% of the uplink with it, 60 to 75% before).
     */
    boolean answersWithinAPause() {
        return nanos < MAX_NANOS;
    }

    long currentNanos() {
        return nanos;
    }
}
