package dev.sensorpub.queue;

import static dev.sensorpub.queue.Messages.append;
import static dev.sensorpub.queue.Messages.drain;
import static dev.sensorpub.queue.Messages.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link MessageQueue} backend promises; one subclass per backend. */
abstract class MessageQueueContract {
    /** Record size of the test messages: 40 header + 27 topic + "mNN" payload, aligned. */
    static final int SMALL_RECORD = RecordFormat.storedLength(Messages.TOPIC.length, 3);

    private final List<MessageQueue> opened = new ArrayList<>();

    /** A fresh, empty queue. */
    /** Bytes of {@code capacityBytes} that hold no records (the file queue's header). */
    protected int storageOverheadBytes() {
        return 0;
    }

    protected abstract MessageQueue create(long capacityBytes, int maxMessages, OverflowPolicy overflow,
                                           int maxRecordBytes);

    MessageQueue queue(long capacityBytes, int maxMessages, OverflowPolicy overflow) {
        MessageQueue queue = create(capacityBytes, maxMessages, overflow, 512);
        opened.add(queue);
        return queue;
    }

    MessageQueue roomy() {
        return queue(64 * 1024, 1000, OverflowPolicy.DROP_OLDEST);
    }

    @AfterEach
    void closeQueues() {
        opened.forEach(MessageQueue::close);
    }

    @Test
    void deliversEveryFieldOfARecordAsAppended() {
        MessageQueue queue = roomy();
        byte[] topic = "xx/a/b".getBytes(StandardCharsets.UTF_8);
        byte[] payload = {9, 1, 2, 3, 9};
        long sequence = queue.append(topic, 3, 3, payload, 1, 3, 2, true, 1_700_000_000_123L, 1_800_000_000_000L);

        QueuedRecord record = new QueuedRecord();
        assertTrue(queue.next(record, 0));
        assertEquals(sequence, record.sequence());
        assertEquals("a/b", Messages.topic(record));
        assertArrayEquals(new byte[] {1, 2, 3},
                Arrays.copyOfRange(record.buffer(), record.payloadOffset(), record.payloadOffset() + 3));
        assertEquals(3, record.payloadLength());
        assertEquals(2, record.qos());
        assertTrue(record.retain());
        assertEquals(1_700_000_000_123L, record.timestampMillis());
        assertEquals(1_800_000_000_000L, record.expiresAtMillis());
        assertFalse(queue.next(record, 0));
    }

    @Test
    void handsOutRecordsInAppendOrder() {
        MessageQueue queue = roomy();
        for (int i = 1; i <= 50; i++) {
            append(queue, "m" + i);
        }
        assertEquals(numbered(1, 50), drain(queue, 0));
        assertEquals(List.of(), drain(queue, 0));
    }

    @Test
    void sequencesStartAtOneAndGrowByOne() {
        MessageQueue queue = roomy();
        assertEquals(1, queue.nextSequence());
        assertEquals(1, queue.oldestSequence());
        for (int i = 1; i <= 10; i++) {
            assertEquals(i, append(queue, "m" + i));
        }
        assertEquals(11, queue.nextSequence());
        assertEquals(1, queue.oldestSequence());
    }

    @Test
    void outOfOrderConfirmFreesTheHeadOnlyWhenOlderRecordsAreConfirmed() {
        MessageQueue queue = roomy();
        for (int i = 1; i <= 4; i++) {
            append(queue, "m" + i);
        }
        drain(queue, 0);
        queue.confirm(3);
        queue.confirm(2);
        assertEquals(1, queue.oldestSequence());
        assertEquals(2, queue.counters().queuedMessages());
        queue.confirm(1);
        assertEquals(4, queue.oldestSequence());
        queue.confirm(4);
        assertEquals(5, queue.oldestSequence());
        assertEquals(0, queue.counters().queuedMessages());
        assertEquals(0, queue.counters().queuedBytes());
    }

    @Test
    void rewindRedeliversUnconfirmedRecordsInOrderAndSkipsConfirmedOnes() {
        MessageQueue queue = roomy();
        for (int i = 1; i <= 6; i++) {
            append(queue, "m" + i);
        }
        assertEquals(numbered(1, 4), List.of(next(queue), next(queue), next(queue), next(queue)));
        queue.confirm(2);
        queue.confirm(4);
        queue.rewind();
        assertEquals(List.of("m1", "m3", "m5", "m6"), drain(queue, 0));
        queue.rewind();
        queue.confirm(1);
        assertEquals(List.of("m3", "m5", "m6"), drain(queue, 0));
    }

    @Test
    void unknownRepeatedAndDroppedConfirmationsAreIgnored() {
        MessageQueue queue = queue(64 * 1024, 3, OverflowPolicy.DROP_OLDEST);
        for (int i = 1; i <= 4; i++) {
            append(queue, "m" + i);
        }
        queue.confirm(1); // dropped by drop-oldest
        queue.confirm(0);
        queue.confirm(-5);
        queue.confirm(99);
        queue.confirm(2);
        queue.confirm(2);
        assertEquals(1, queue.counters().confirmed());
        assertEquals(List.of("m3", "m4"), drain(queue, 0));
    }

    @Test
    void dropOldestByMessageCountKeepsTheNewestAndCounts() {
        MessageQueue queue = queue(64 * 1024, 5, OverflowPolicy.DROP_OLDEST);
        for (int i = 1; i <= 8; i++) {
            assertEquals(i, append(queue, "m" + i));
        }
        assertEquals(3, queue.counters().droppedOverflow());
        assertEquals(4, queue.oldestSequence());
        assertEquals(numbered(4, 8), drain(queue, 0));
    }

    @Test
    void dropOldestByBytesKeepsTheNewestAndCounts() {
        MessageQueue queue = queue(1024, 1000, OverflowPolicy.DROP_OLDEST);
        int fits = (1024 - storageOverheadBytes()) / SMALL_RECORD;
        for (int i = 10; i < 10 + fits + 5; i++) {
            append(queue, "m" + i);
        }
        assertEquals(5, queue.counters().droppedOverflow());
        assertEquals(numbered(15, 10 + fits + 4), drain(queue, 0));
    }

    @Test
    void dropOldestDropsRecordsAlreadyHandedOutToo() {
        MessageQueue queue = queue(64 * 1024, 2, OverflowPolicy.DROP_OLDEST);
        append(queue, "m1");
        append(queue, "m2");
        assertEquals("m1", next(queue));
        append(queue, "m3");
        assertEquals(2, queue.oldestSequence());
        queue.rewind();
        assertEquals(List.of("m2", "m3"), drain(queue, 0));
    }

    @Test
    void dropNewestRejectsNewMessagesAndKeepsStoredOnes() {
        MessageQueue queue = queue(64 * 1024, 3, OverflowPolicy.DROP_NEWEST);
        for (int i = 1; i <= 3; i++) {
            append(queue, "m" + i);
        }
        assertEquals(-1, append(queue, "m4"));
        assertEquals(-1, append(queue, "m5"));
        assertEquals(4, queue.nextSequence());
        assertEquals(2, queue.counters().droppedOverflow());
        assertEquals(3, queue.counters().appended());
        assertEquals(numbered(1, 3), drain(queue, 0));
        queue.confirm(1);
        assertEquals(4, append(queue, "m6"));
    }

    @Test
    void dropNewestByBytesRejectsWhenTheRingIsFull() {
        MessageQueue queue = queue(1024, 1000, OverflowPolicy.DROP_NEWEST);
        int fits = (1024 - storageOverheadBytes()) / SMALL_RECORD;
        for (int i = 10; i < 10 + fits; i++) {
            assertTrue(append(queue, "m" + i) > 0);
        }
        assertEquals(-1, append(queue, "m99"));
        assertEquals(numbered(10, 9 + fits), drain(queue, 0));
    }

    @Test
    void expiredRecordsAreDroppedAtNextAndCounted() {
        MessageQueue queue = roomy();
        append(queue, "m1", 5000);
        append(queue, "m2", 0);
        append(queue, "m3", 4000);
        append(queue, "m4", 9000);
        assertEquals(List.of("m2", "m4"), drain(queue, 5000));
        assertEquals(2, queue.counters().droppedExpired());
        assertEquals(2, queue.oldestSequence());
        assertEquals(2, queue.counters().queuedMessages());
    }

    @Test
    void peekShowsTheSequenceNextWillHandOutWithoutHandingItOut() {
        MessageQueue queue = roomy();
        assertEquals(-1, queue.peekSequence(0));
        append(queue, "m1", 5000);
        long m2 = append(queue, "m2", 0);
        long m3 = append(queue, "m3", 0);
        assertEquals(m2, queue.peekSequence(5000), "m1 expired and is skipped, as next would");
        assertEquals(1, queue.counters().droppedExpired());
        assertEquals(m2, queue.peekSequence(5000), "peeking again changes nothing");
        QueuedRecord record = new QueuedRecord();
        assertTrue(queue.next(record, 5000));
        assertEquals(m2, record.sequence());
        assertEquals(m3, queue.peekSequence(5000));
        queue.rewind();
        assertEquals(m2, queue.peekSequence(5000), "after a rewind the oldest unconfirmed again");
        assertEquals(1, queue.counters().droppedExpired());
    }

    @Test
    void oversizeMessagesAreRejectedWithoutDisturbingTheQueue() {
        MessageQueue queue = create(1024, 100, OverflowPolicy.DROP_OLDEST, 2000);
        opened.add(queue);
        append(queue, "m1");
        byte[] big = new byte[1024];
        assertEquals(-1, queue.append(Messages.TOPIC, 0, 1, big, 0, big.length, 0, false, 0, 0));
        MessageQueue limited = queue(64 * 1024, 100, OverflowPolicy.DROP_OLDEST);
        assertEquals(-1, limited.append(Messages.TOPIC, 0, 13, big, 0, 500, 0, false, 0, 0));
        assertEquals(1, limited.append(Messages.TOPIC, 0, 12, big, 0, 500, 0, false, 0, 0));
        assertEquals(1, queue.counters().rejectedTooLarge());
        assertEquals(1, limited.counters().rejectedTooLarge());
        assertEquals(0, queue.counters().droppedOverflow());
        assertEquals(List.of("m1"), drain(queue, 0));
        assertEquals(2, queue.nextSequence());
    }

    @Test
    void invalidArgumentsAreRefusedWithAReason() {
        MessageQueue queue = roomy();
        byte[] payload = new byte[4];
        IllegalArgumentException qos = assertThrows(IllegalArgumentException.class,
                () -> queue.append(Messages.TOPIC, 0, 3, payload, 0, 4, 3, false, 0, 0));
        assertTrue(qos.getMessage().contains("qos 3"));
        assertThrows(IllegalArgumentException.class,
                () -> queue.append(Messages.TOPIC, 0, 3, payload, 2, 4, 0, false, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> queue.append(Messages.TOPIC, -1, 3, payload, 0, 4, 0, false, 0, 0));
        assertEquals(0, queue.counters().appended());
    }

    @Test
    void countersAddUpExactly() {
        MessageQueue queue = queue(64 * 1024, 4, OverflowPolicy.DROP_OLDEST);
        for (int i = 1; i <= 5; i++) {
            append(queue, "m" + i, i == 5 ? 100 : 0); // m1 dropped by overflow
        }
        QueuedRecord record = new QueuedRecord();
        assertTrue(queue.next(record, 0));
        assertTrue(queue.next(record, 0));
        queue.confirm(2);
        queue.rewind();
        assertEquals(List.of("m3", "m4"), drain(queue, 200)); // m5 expired
        QueueCounters counters = queue.counters();
        assertEquals(5, counters.appended());
        assertEquals(4, counters.sent());
        assertEquals(1, counters.confirmed());
        assertEquals(1, counters.droppedOverflow());
        assertEquals(1, counters.droppedExpired());
        assertEquals(2, counters.queuedMessages());
        assertEquals(2L * SMALL_RECORD, counters.queuedBytes());
        assertEquals(0, counters.corruptSkipped());
        assertEquals(0, counters.storageErrors());
    }

    @Test
    void wrapsAroundTheRingManyTimesWithVariableSizes() {
        MessageQueue queue = queue(2048, 1000, OverflowPolicy.DROP_NEWEST);
        Random random = new Random(7);
        byte[] payload = new byte[300];
        QueuedRecord record = new QueuedRecord();
        long expected = 1;
        for (int round = 0; round < 5000; round++) {
            int burst = 1 + random.nextInt(4);
            for (int i = 0; i < burst; i++) {
                int length = random.nextInt(payload.length);
                long sequence = queue.nextSequence();
                Arrays.fill(payload, 0, length, (byte) sequence);
                queue.append(Messages.TOPIC, 0, Messages.TOPIC.length, payload, 0, length, 0, false, sequence, 0);
            }
            while (queue.next(record, 0)) {
                assertEquals(expected++, record.sequence());
                for (int i = 0; i < record.payloadLength(); i++) {
                    assertEquals((byte) record.sequence(), record.buffer()[record.payloadOffset() + i]);
                }
                assertEquals(record.sequence(), record.timestampMillis());
                queue.confirm(record.sequence());
            }
        }
        assertTrue(queue.counters().appended() > 10_000);
        assertEquals(queue.counters().appended(), queue.counters().confirmed());
        assertEquals(0, queue.counters().droppedOverflow());
    }

    @Test
    void oldestSequenceTellsTheSessionWhichInFlightRecordsWereDropped() {
        MessageQueue queue = queue(64 * 1024, 3, OverflowPolicy.DROP_OLDEST);
        for (int i = 1; i <= 3; i++) {
            append(queue, "m" + i);
        }
        drain(queue, 0);
        append(queue, "m4");
        append(queue, "m5");
        assertEquals(3, queue.oldestSequence());
        queue.confirm(1);
        assertEquals(0, queue.counters().confirmed());
    }

    static String next(MessageQueue queue) {
        QueuedRecord record = new QueuedRecord();
        assertTrue(queue.next(record, 0), "a record is available");
        return Messages.payload(record);
    }
}
