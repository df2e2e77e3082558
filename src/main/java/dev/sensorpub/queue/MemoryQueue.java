package dev.sensorpub.queue;

import dev.sensorpub.time.Clock;
import java.nio.ByteBuffer;

/**
 * The queue in one preallocated byte arena: records are written into the arena once and handed
 * out in place, so append, next, confirm and drop-oldest copy nothing beyond the message itself
 * and allocate nothing. Lost on restart.
 */
public final class MemoryQueue extends RingQueue {
    private final byte[] arena;
    private final ByteBuffer view;

    /**
     * @param capacityBytes  arena size (rounded down to a multiple of 8); each record takes
     *                       40 header bytes + topic + payload, rounded up to 8
     * @param maxMessages    most records held at once
     * @param maxRecordBytes largest topic + payload accepted
     */
    public MemoryQueue(long capacityBytes, int maxMessages, OverflowPolicy overflow, int maxRecordBytes) {
        this(capacityBytes, maxMessages, overflow, maxRecordBytes, Clock.SYSTEM);
    }

    /** As above; {@code clock} tells, at send time, whether a stamp needs correcting ({@link MessageQueue#append}). */
    public MemoryQueue(long capacityBytes, int maxMessages, OverflowPolicy overflow, int maxRecordBytes, Clock clock) {
        this(capacityBytes, maxMessages, overflow, maxRecordBytes, 1, new QueueCounters(), clock);
    }

    /** A queue whose sequences start at {@code firstSequence} and that adds to shared counters. */
    MemoryQueue(long capacityBytes, int maxMessages, OverflowPolicy overflow, int maxRecordBytes,
                long firstSequence, QueueCounters counters, Clock clock) {
        super(arenaSize(capacityBytes), maxMessages, overflow, maxRecordBytes, firstSequence, counters, clock);
        this.arena = new byte[capacity];
        this.view = ByteBuffer.wrap(arena);
    }

    static int arenaSize(long capacityBytes) {
        if (capacityBytes > QueueSettings.MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("queue capacity " + capacityBytes + " exceeds 1 GiB");
        }
        return (int) capacityBytes & -RecordFormat.ALIGNMENT;
    }

    @Override
    protected boolean store(int regionStart, int position, int storedLength, long sequence,
                            byte[] topic, int topicOffset, int topicLength,
                            byte[] payload, int payloadOffset, int payloadLength,
                            int qos, boolean retain, long timestampMillis, long expiresAtMillis) {
        RecordFormat.encode(view, position, sequence, topic, topicOffset, topicLength, payload, payloadOffset,
                payloadLength, qos, retain, timestampMillis, expiresAtMillis);
        return true;
    }

    @Override
    protected boolean load(int position, int storedLength, long sequence, QueuedRecord into) {
        RecordFormat.decode(view, position, arena, position, into);
        return true;
    }

    @Override
    public void sync() {
        // Nothing to make durable.
    }

    @Override
    public void tick(long nowMillis) {
        observeTime(nowMillis);
    }

    @Override
    public void close() {
        // Nothing to release; the arena goes with the object.
    }
}
