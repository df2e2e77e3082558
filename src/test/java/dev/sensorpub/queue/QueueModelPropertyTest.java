package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operation sequences (fixed seeds) against both backends, checked after every step
 * against a plain list model of what the queue must hold, hand out and count.
 */
class QueueModelPropertyTest {
    private static final dev.sensorpub.time.Clock STILL = new dev.sensorpub.time.ManualClock();

    private static final int SEEDS = 40;
    private static final int OPERATIONS = 2500;
    private static final int MAX_RECORD_BYTES = 200;
    private static final byte[] TOPICS = "plant/line-1/press-7/temperature/celsius".getBytes();

    @TempDir
    Path directory;

    @Test
    void memoryQueueBehavesLikeTheModel() throws IOException {
        for (int seed = 1; seed <= SEEDS; seed++) {
            new Run(seed, false).run();
        }
    }

    @Test
    void fileQueueBehavesLikeTheModelIncludingAcrossReopen() throws IOException {
        for (int seed = 1; seed <= SEEDS; seed++) {
            new Run(seed, true).run();
        }
    }

    private static final class Entry {
        final long sequence;
        final int topicLength;
        final byte[] payload;
        final long expiresAt;
        final int stored;
        boolean done;

        Entry(long sequence, int topicLength, byte[] payload, long expiresAt) {
            this.sequence = sequence;
            this.topicLength = topicLength;
            this.payload = payload;
            this.expiresAt = expiresAt;
            this.stored = RecordFormat.storedLength(topicLength, payload.length);
        }
    }

    private final class Run {
        final int seed;
        final boolean file;
        final Random random;
        final int capacity;
        final int maxMessages;
        final OverflowPolicy overflow;
        final Path path;
        MessageQueue queue;
        final List<Entry> live = new ArrayList<>();
        int cursor;
        long nextSequence = 1;
        long now = 1000;
        long appended;
        long sent;
        long confirmed;
        long droppedOverflow;
        long droppedExpired;
        int step;

        Run(int seed, boolean file) throws IOException {
            this.seed = seed;
            this.file = file;
            this.random = new Random(seed);
            this.capacity = 1024 + 8 * random.nextInt(1000);
            this.maxMessages = 3 + random.nextInt(60);
            this.overflow = random.nextBoolean() ? OverflowPolicy.DROP_OLDEST : OverflowPolicy.DROP_NEWEST;
            this.path = directory.resolve("seed" + seed);
            open();
        }

        void open() throws IOException {
            queue = file
                    // A clock standing still: the model's own "now" drives expiry, and a reopen is
                    // the same boot, so deadlines come back exactly as they were appended.
                    ? FileQueue.open(path, capacity, maxMessages, overflow, FsyncPolicy.never(), MAX_RECORD_BYTES,
                            STILL)
                    : new MemoryQueue(capacity, maxMessages, overflow, MAX_RECORD_BYTES);
        }

        void run() throws IOException {
            for (step = 0; step < OPERATIONS; step++) {
                int choice = random.nextInt(100);
                if (choice < 40) {
                    append();
                } else if (choice < 70) {
                    next();
                } else if (choice < 88) {
                    confirm();
                } else if (choice < 93) {
                    cursor = 0;
                    queue.rewind();
                } else if (choice < 98 || !file) {
                    now += random.nextInt(50);
                } else {
                    reopen();
                }
                check();
            }
            queue.close();
        }

        void append() {
            int topicLength = 1 + random.nextInt(TOPICS.length);
            byte[] payload = new byte[random.nextInt(MAX_RECORD_BYTES - topicLength + 1)];
            random.nextBytes(payload);
            long expiresAt = random.nextInt(4) == 0 ? now + random.nextInt(200) : 0;
            Entry entry = new Entry(nextSequence, topicLength, payload, expiresAt);
            int countBefore = pendingOrAfter();
            int spanBefore = span();
            long dropsBefore = queue.counters().droppedOverflow();
            long sequence = queue.append(TOPICS, 0, topicLength, payload, 0, payload.length, random.nextInt(3),
                    random.nextBoolean(), now, expiresAt);
            long drops = queue.counters().droppedOverflow() - dropsBefore;
            // Free space comes in at most two pieces and the live bytes hide at most one wrap gap
            // (smaller than the largest record), which bounds when a drop may and must not happen.
            int gap = RecordFormat.storedLength(0, MAX_RECORD_BYTES);
            boolean roomy = countBefore < maxMessages && spanBefore + gap + 2 * entry.stored <= capacity;
            if (roomy) {
                assertEquals(0, drops, where("a queue with room must not drop"));
            }
            droppedOverflow += drops;
            if (sequence < 0) {
                assertEquals(OverflowPolicy.DROP_NEWEST, overflow, where("only drop-newest rejects"));
                assertEquals(1, drops, where("a rejection is counted"));
                assertTrue(!roomy, where("rejected although the record fits"));
                return;
            }
            assertEquals(nextSequence, sequence, where("sequence"));
            for (long i = 0; i < drops; i++) {
                assertTrue(overflow == OverflowPolicy.DROP_OLDEST && !live.isEmpty(), where("drop-oldest"));
                assertTrue(live.size() == maxMessages || span() + gap + 2 * entry.stored > capacity,
                        where("dropped although the record fits"));
                live.get(0).done = true;
                popDone();
            }
            live.add(entry);
            nextSequence++;
            appended++;
        }

        void next() {
            now += random.nextInt(20);
            QueuedRecord record = new QueuedRecord();
            boolean got = queue.next(record, now);
            Entry expected = null;
            while (cursor < live.size()) {
                Entry entry = live.get(cursor++);
                if (entry.done) {
                    continue;
                }
                if (entry.expiresAt != 0 && now >= entry.expiresAt) {
                    entry.done = true;
                    droppedExpired++;
                    continue;
                }
                expected = entry;
                break;
            }
            popDone();
            assertEquals(expected != null, got, where("next() availability"));
            if (got) {
                sent++;
                assertEquals(expected.sequence, record.sequence(), where("next() order"));
                assertEquals(expected.topicLength, record.topicLength(), where("topic length"));
                assertArrayEquals(expected.payload, Arrays.copyOfRange(record.buffer(), record.payloadOffset(),
                        record.payloadOffset() + record.payloadLength()), where("payload"));
                assertArrayEquals(Arrays.copyOf(TOPICS, expected.topicLength), Arrays.copyOfRange(record.buffer(),
                        record.topicOffset(), record.topicOffset() + record.topicLength()), where("topic"));
                assertEquals(expected.expiresAt, record.expiresAtMillis(), where("expiry"));
            }
        }

        void confirm() {
            long sequence;
            if (!live.isEmpty() && random.nextInt(5) > 0) {
                sequence = live.get(random.nextInt(Math.min(live.size(), cursor + 1))).sequence;
            } else {
                sequence = random.nextInt((int) nextSequence + 3) - 1;
            }
            queue.confirm(sequence);
            for (Entry entry : live) {
                if (entry.sequence == sequence && !entry.done) {
                    entry.done = true;
                    confirmed++;
                }
            }
            popDone();
        }

        /** A clean close and open: confirmed records behind the oldest unconfirmed one come back. */
        void reopen() throws IOException {
            queue.close();
            open();
            live.forEach(entry -> entry.done = false);
            cursor = 0;
            appended = 0;
            sent = 0;
            confirmed = 0;
            droppedOverflow = 0;
            droppedExpired = 0;
        }

        void popDone() {
            while (!live.isEmpty() && live.get(0).done) {
                live.remove(0);
                if (cursor > 0) {
                    cursor--;
                }
            }
        }

        int pendingOrAfter() {
            return live.size();
        }

        int span() {
            int bytes = 0;
            for (Entry entry : live) {
                bytes += entry.stored;
            }
            return bytes;
        }

        void check() {
            QueueCounters counters = queue.counters();
            long pending = live.stream().filter(entry -> !entry.done).count();
            long pendingBytes = live.stream().filter(entry -> !entry.done).mapToLong(entry -> entry.stored).sum();
            assertEquals(live.isEmpty() ? nextSequence : live.get(0).sequence, queue.oldestSequence(), where("oldest"));
            assertEquals(nextSequence, queue.nextSequence(), where("nextSequence"));
            assertEquals(pending, counters.queuedMessages(), where("queued messages"));
            assertEquals(pendingBytes, counters.queuedBytes(), where("queued bytes"));
            assertEquals(appended, counters.appended(), where("appended"));
            assertEquals(sent, counters.sent(), where("sent"));
            assertEquals(confirmed, counters.confirmed(), where("confirmed"));
            assertEquals(droppedOverflow, counters.droppedOverflow(), where("dropped overflow"));
            assertEquals(droppedExpired, counters.droppedExpired(), where("dropped expired"));
            assertEquals(0, counters.corruptSkipped(), where("corrupt"));
            assertEquals(0, counters.storageErrors(), where("storage errors"));
        }

        String where(String what) {
            return what + " (" + (file ? "file" : "memory") + " seed " + seed + ", step " + step + ", capacity "
                    + capacity + ", max " + maxMessages + ", " + overflow + ")";
        }
    }
}
