package dev.sensorpub.queue;

/** What a full queue gives up. */
public enum OverflowPolicy {
    /** Drop the oldest stored message: the newest readings matter most (default). */
    DROP_OLDEST,
    /** Refuse the new message: what is stored stays. */
    DROP_NEWEST
}
