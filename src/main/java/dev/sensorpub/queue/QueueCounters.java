package dev.sensorpub.queue;

/**
 * Running totals for the status line. Plain fields updated in place by the queue (no object per
 * update); read them from the loop thread.
 */
public final class QueueCounters {
    long queuedMessages;
    long queuedBytes;
    long appended;
    long sent;
    long confirmed;
    long droppedOverflow;
    long droppedExpired;
    long rejectedTooLarge;
    long corruptSkipped;
    long storageErrors;

    /** Messages stored and not yet confirmed, dropped or expired. */
    public long queuedMessages() {
        return queuedMessages;
    }

    /** Storage bytes (record header included) those messages occupy. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Successful appends. */
    public long appended() {
        return appended;
    }

    /** Records handed out by next(), re-deliveries after a rewind included. */
    public long sent() {
        return sent;
    }

    public long confirmed() {
        return confirmed;
    }

    /** Messages lost to the overflow policy: the oldest under drop-oldest, the new one under drop-newest. */
    public long droppedOverflow() {
        return droppedOverflow;
    }

    public long droppedExpired() {
        return droppedExpired;
    }

    /** Appends refused because the message could never fit (larger than the record limit or the capacity). */
    public long rejectedTooLarge() {
        return rejectedTooLarge;
    }

    /** Records found damaged in storage (CRC or structure) and skipped. */
    public long corruptSkipped() {
        return corruptSkipped;
    }

    /** Failed storage operations (write, fsync, read); the first one switches the file queue to memory. */
    public long storageErrors() {
        return storageErrors;
    }

    @Override
    public String toString() {
        return "queued=" + queuedMessages + " queuedBytes=" + queuedBytes + " appended=" + appended
                + " sent=" + sent + " confirmed=" + confirmed + " droppedOverflow=" + droppedOverflow
                + " droppedExpired=" + droppedExpired + " rejectedTooLarge=" + rejectedTooLarge
                + " corruptSkipped=" + corruptSkipped + " storageErrors=" + storageErrors;
    }
}
