package dev.sensorpub.sensor;

/**
 * A bounded ring of (sensor index, value, timestamp) that listener threads write and the
 * loop drains. Preallocated parallel arrays of primitives, so handing a reading in allocates
 * nothing. When full, the new event is dropped and counted: the listener thread must never
 * block, and the sensor's heartbeat republishes the current state anyway.
 *
 * <p>A plain lock keeps it obviously correct; it is held for a few array stores, never
 * across I/O or the sink.
 */
public final class EventHandoff {
    /** Receives drained events on the loop thread. */
    public interface Consumer {
        void event(int sensorIndex, double value, long timestampMillis);
    }

    private final int[] sensors;
    private final double[] values;
    private final long[] timestamps;
    private final Object lock = new Object();
    private int head;
    private int size;
    private long overflows;
    private volatile Runnable wakeLoop = () -> { };

    public EventHandoff(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        sensors = new int[capacity];
        values = new double[capacity];
        timestamps = new long[capacity];
    }

    /** What ends the loop's wait when an event arrives (the loop may be asleep until its next deadline). */
    public void onOffer(Runnable wakeLoop) {
        this.wakeLoop = wakeLoop;
    }

    /** Any thread. Returns false (and counts an overflow) when the ring is full. */
    public boolean offer(int sensorIndex, double value, long timestampMillis) {
        synchronized (lock) {
            if (size == sensors.length) {
                overflows++;
                return false;
            }
            int tail = (head + size) % sensors.length;
            sensors[tail] = sensorIndex;
            values[tail] = value;
            timestamps[tail] = timestampMillis;
            size++;
        }
        wakeLoop.run();
        return true;
    }

    /**
     * Loop thread. Hands over at most the events present when it started, one at a time,
     * without holding the lock while the consumer runs. Returns how many it handed over.
     */
    public int drain(Consumer consumer) {
        int available;
        synchronized (lock) {
            available = size;
        }
        for (int n = 0; n < available; n++) {
            int sensor;
            double value;
            long timestamp;
            synchronized (lock) {
                sensor = sensors[head];
                value = values[head];
                timestamp = timestamps[head];
                head = (head + 1) % sensors.length;
                size--;
            }
            consumer.event(sensor, value, timestamp);
        }
        return available;
    }

    public int size() {
        synchronized (lock) {
            return size;
        }
    }

    public int capacity() {
        return sensors.length;
    }

    /** Events dropped because the loop did not drain in time. */
    public long overflows() {
        synchronized (lock) {
            return overflows;
        }
    }
}
