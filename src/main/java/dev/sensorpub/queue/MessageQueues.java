package dev.sensorpub.queue;

import dev.sensorpub.log.Log;
import dev.sensorpub.time.Clock;
import java.io.IOException;

/** Builds the configured queue. */
public final class MessageQueues {
    private MessageQueues() {
    }

    /**
     * The queue {@code settings} describe. A file queue whose directory cannot be used at all is
     * replaced by a memory queue after one error line: the agent keeps publishing.
     *
     * @param maxRecordBytes the largest topic + payload the caller will ever append
     */
    public static MessageQueue open(QueueSettings settings, int maxRecordBytes) {
        return open(settings, maxRecordBytes, Clock.SYSTEM);
    }

    /**
     * As above; {@code clock} converts the file's expiry deadlines (see {@link ExpiryDeadlines})
     * and corrects stamps after a wall step ({@link MessageQueue#append}).
     */
    public static MessageQueue open(QueueSettings settings, int maxRecordBytes, Clock clock) {
        if (settings.type() == QueueSettings.Type.FILE) {
            try {
                return FileQueue.open(settings.path(), settings.capacityBytes(), settings.maxMessages(),
                        settings.overflow(), settings.fsync(), maxRecordBytes, clock);
            } catch (IOException | RuntimeException e) {
                Log.logger("queue").error("queue.path " + settings.path() + " unusable ("
                        + StorageErrors.describe(e) + "): memory queue, lost on restart");
                MemoryQueue memory = memoryQueue(settings, maxRecordBytes, clock);
                memory.counters().storageErrors++;
                return memory;
            }
        }
        return memoryQueue(settings, maxRecordBytes, clock);
    }

    private static MemoryQueue memoryQueue(QueueSettings settings, int maxRecordBytes, Clock clock) {
        return new MemoryQueue(settings.capacityBytes(), settings.maxMessages(), settings.overflow(), maxRecordBytes,
                clock);
    }

    /** The pacing for the backlog after a reconnect ({@code queue.flush-rate}). */
}
