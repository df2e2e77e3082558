package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The queue's lines with numbers in them fit an 80-column serial console after the 38-column
 * header, with realistic worst-case values: sequences of 10 digits (a reading every 10 ms for
 * three years), 5-digit counts, the largest ring (1 GiB) with the default queue.max-messages (100000), the record limit.
 */
class QueueLineWidthTest {
    private static final int MESSAGE_COLUMNS = 80;
    private static final long SEQUENCE = 9_999_999_999L;
    private static final long COUNT = 99_999;

    @Test
    void recoveryLinesFit() {
        fits(FileRing.tooLargeLine(COUNT, FileRing.MAX_RECOVERED_MESSAGE_BYTES, SEQUENCE - COUNT, SEQUENCE));
        fits(FileRing.missingLine(SEQUENCE - COUNT, SEQUENCE));
        fits(FileRing.recoveredLine(COUNT, SEQUENCE - COUNT, SEQUENCE, SEQUENCE + 1));
        fits(FileRing.recoveredLine(0, 0, 0, SEQUENCE));
    }

    @Test
    void rateLimitedLinesFit() {
        String full = RingQueue.overflowEvent(QueueSettings.MAX_CAPACITY_BYTES, 100_000, OverflowPolicy.DROP_NEWEST);
        String tooLarge = RingQueue.tooLargeEvent(FileRing.MAX_RECOVERED_MESSAGE_BYTES);
        for (String event : new String[] {full, tooLarge, "queue file: records skipped as unreadable"}) {
            fits(RateLimitedWarning.line(event, COUNT, false, 10));
            fits(RateLimitedWarning.line(event, COUNT, true, 10));
        }
    }

    private static void fits(String message) {
        assertTrue(message.length() <= MESSAGE_COLUMNS, message.length() + " characters: " + message);
    }
}
