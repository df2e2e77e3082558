package dev.sensorpub.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: append a text message, read records back as text. */
final class Messages {
    static final byte[] TOPIC = "sensors/kitchen/temperature".getBytes(StandardCharsets.UTF_8);

    private Messages() {
    }

    static long append(MessageQueue queue, String payload) {
        return append(queue, payload, 0);
    }

    static long append(MessageQueue queue, String payload, long expiresAtMillis) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return queue.append(TOPIC, 0, TOPIC.length, bytes, 0, bytes.length, 1, false, 1000, expiresAtMillis);
    }

    static String topic(QueuedRecord record) {
        return new String(record.buffer(), record.topicOffset(), record.topicLength(), StandardCharsets.UTF_8);
    }

    static String payload(QueuedRecord record) {
        return new String(record.buffer(), record.payloadOffset(), record.payloadLength(), StandardCharsets.UTF_8);
    }

    /** Every payload next() hands out from here on, in order. */
    static List<String> drain(MessageQueue queue, long nowMillis) {
        List<String> payloads = new ArrayList<>();
        QueuedRecord record = new QueuedRecord();
        while (queue.next(record, nowMillis)) {
            payloads.add(payload(record));
        }
        return payloads;
    }

    /** Every sequence next() hands out from here on, confirming each. */
    static List<Long> drainAndConfirm(MessageQueue queue, long nowMillis) {
        List<Long> sequences = new ArrayList<>();
        QueuedRecord record = new QueuedRecord();
        while (queue.next(record, nowMillis)) {
            sequences.add(record.sequence());
            queue.confirm(record.sequence());
        }
        return sequences;
    }

    static List<String> numbered(int from, int toInclusive) {
        List<String> list = new ArrayList<>();
        for (int i = from; i <= toInclusive; i++) {
            list.add("m" + i);
        }
        return list;
    }
}
