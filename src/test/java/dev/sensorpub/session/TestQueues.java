package dev.sensorpub.session;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.OverflowPolicy;
import java.nio.charset.StandardCharsets;

/** Small helpers to put readings into a queue the way the agent does. */
final class TestQueues {
    private TestQueues() {
    }

    static MemoryQueue memory() {
        return new MemoryQueue(4 * 1024 * 1024, 200_000, OverflowPolicy.DROP_OLDEST, 4096);
    }

    static long append(MessageQueue queue, String topic, String payload, int qos) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        long seq = queue.append(t, 0, t.length, p, 0, p.length, qos, false, System.currentTimeMillis(), 0);
        if (seq < 0) {
            throw new IllegalStateException("queue refused " + topic + " " + payload);
        }
        return seq;
    }
}
