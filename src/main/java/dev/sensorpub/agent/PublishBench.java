package dev.sensorpub.agent;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueueCounters;
import dev.sensorpub.queue.QueuedRecord;
import dev.sensorpub.session.LinkState;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionSettings;
import dev.sensorpub.time.Clock;
import java.lang.management.ManagementFactory;

/**
 * Publishes synthetic messages through the real queue and session, as fast as the broker takes
 * them, and measures messages per second, latency (QoS 1: from hand-in to PUBACK) and the bytes
 * allocated. The loop is the agent's loop without sensors.
 */
final class PublishBench {
    /** QoS 0 messages handed in ahead of the session: enough to keep the socket busy. */
    private static final int QOS0_AHEAD = 8192;

    /** What one run measured; {@code turns} of the loop, of which {@code waits} ended waiting on the socket. */
    record Result(int qos, long count, long nanos, long loopAllocatedBytes, long allAllocatedBytes,
                  long p50Micros, long p99Micros, long p999Micros, long turns, long waits) {
        double messagesPerSecond() {
            return count * 1e9 / nanos;
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The system clock: a benchmark measures real time; the session gets the same one. */
    private final Clock clock = Clock.SYSTEM;
    private final byte[] topic;
    private final byte[] payload;
    private final int qos;
    private final TimedQueue queue;
    private final MqttSession session;
    private final LatencyHistogram latency = new LatencyHistogram();
    private long turns;
    private long waits;
    /**
     * QoS 1: twice the window ahead keeps the window full while the latency, measured from
     * hand-in, stays the protocol's round trip plus at most one window of waiting.
     */
    private final int ahead;

    PublishBench(String server, String topicName, int payloadSize, int qos, int window) {
        this(server, topicName, payloadSize, qos, window, 0);
    }

    /** {@code backlogCapacity}: how many messages the queue must hold for {@link #drainBacklog}. */
    PublishBench(String server, String topicName, int payloadSize, int qos, int window, int backlogCapacity) {
        this.topic = Topic.name(topicName).bytes();
        this.payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) ('0' + i % 10);
        }
        this.qos = qos;
        this.ahead = qos == 0 ? QOS0_AHEAD : Math.max(64, 2 * window);
        int maxMessage = topic.length + payloadSize;
        int capacity = Math.max(ahead * 2, backlogCapacity);
        MemoryQueue memory = new MemoryQueue(Math.max(1 << 20, (long) capacity * (maxMessage + 64)), capacity,
                OverflowPolicy.DROP_NEWEST, maxMessage);
        this.queue = new TimedQueue(memory, capacity, latency);
        this.session = new MqttSession(SessionSettings.builder(server, "sensorpub-bench-" + ProcessHandle.current().pid())
                .cleanSession(true).keepAliveSeconds(30).inflightWindow(window).maxMessageBytes(maxMessage)
                .sendBufferSize(Math.max(256 * 1024, 4 * (maxMessage + 64))).reconnectDelays(100, 1_000, 10_000)
                .build(), queue, p -> { }, clock);
    }

    /** Connects; false if the broker did not accept within the timeout. */
    boolean connect(long timeoutMillis) {
        long deadline = clock.monotonicMillis() + timeoutMillis;
        while (clock.monotonicMillis() < deadline) {
            long t = clock.monotonicMillis();
            session.service(t);
            if (session.state() == LinkState.CONNECTED) {
                return true;
            }
            session.await(Math.max(0, Math.min(session.nextDeadlineMillis(t), deadline) - clock.monotonicMillis()));
        }
        return session.state() == LinkState.CONNECTED;
    }

    /** Publishes {@code count} messages and waits until the broker proved it has every one. */
    Result run(long count, long timeoutMillis) {
        latency.clear();
        long[] ids = THREADS.getAllThreadIds();
        long allBefore = sum(THREADS.getThreadAllocatedBytes(ids));
        THREADS.getCurrentThreadAllocatedBytes();
        long loopBefore = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        boolean done = publish(count, clock.monotonicMillis() + timeoutMillis);
        long nanos = System.nanoTime() - start;
        long loopAllocated = THREADS.getCurrentThreadAllocatedBytes() - loopBefore;
        long allAllocated = sum(THREADS.getThreadAllocatedBytes(ids)) - allBefore;
        if (!done) {
            throw new IllegalStateException("only " + (queue.counters().confirmed()) + " messages confirmed before the "
                    + timeoutMillis + " ms timeout; link " + session.state());
        }
        return new Result(qos, count, nanos, loopAllocated, allAllocated, latency.percentileMicros(0.50),
                latency.percentileMicros(0.99), latency.percentileMicros(0.999), turns, waits);
    }

    /**
     * The offline case: {@code count} messages are queued while there is no link, then the
     * session connects and the time from CONNACK until the broker has them all is measured.
     */
    Result drainBacklog(long count, long timeoutMillis) {
        if (session.state() == LinkState.CONNECTED) {
            throw new IllegalStateException("the backlog must be queued before connecting");
        }
        latency.clear();
        for (long i = 0; i < count; i++) {
            if (queue.append(topic, 0, topic.length, payload, 0, payload.length, qos, false, 0, 0) < 0) {
                throw new IllegalStateException("the queue holds only " + i + " messages");
            }
        }
        // Counted from before the connect: the round that reads the CONNACK already sends a window,
        // and on a fast link reads its first answers too.
        long confirmedBefore = queue.counters().confirmed();
        if (!connect(10_000)) {
            throw new IllegalStateException("could not connect");
        }
        long start = System.nanoTime();
        boolean done = publish(count, clock.monotonicMillis() + timeoutMillis, count, confirmedBefore);
        long nanos = System.nanoTime() - start;
        if (!done) {
            throw new IllegalStateException("backlog not drained within " + timeoutMillis + " ms");
        }
        // Latency would only say how long the messages waited offline: not reported.
        return new Result(qos, count, nanos, -1, -1, -1, -1, -1, turns, waits);
    }

    private boolean publish(long count, long deadlineMillis) {
        return publish(count, deadlineMillis, 0, queue.counters().confirmed());
    }

    /**
     * The measured loop: nothing in here may allocate. {@code produced} were queued before, and
     * the queue had confirmed {@code confirmedAtStart} before the first of them.
     */
    private boolean publish(long count, long deadlineMillis, long produced, long confirmedAtStart) {
        QueueCounters counters = queue.counters();
        turns = 0;
        waits = 0;
        while (counters.confirmed() - confirmedAtStart < count) {
            turns++;
            long t = clock.monotonicMillis();
            if (t >= deadlineMillis || session.state() != LinkState.CONNECTED) {
                return false;
            }
            while (produced < count && counters.queuedMessages() < ahead) {
                queue.append(topic, 0, topic.length, payload, 0, payload.length, qos, false, 0, 0);
                produced++;
            }
            session.service(t);
            if (produced == count) {
                session.requestProof(); // the last QoS 0 messages need a PINGRESP to count as delivered
            }
            // Sleep whenever the session can take nothing more: another turn would only read an
            // empty socket. At QoS 1 a full window (or its bytes at their budget) is that point.
            if (counters.queuedMessages() >= ahead || produced == count || qos > 0 && session.waitsForAnswers()) {
                waits++;
                session.await(Math.max(0, Math.min(10, session.nextDeadlineMillis(t) - clock.monotonicMillis())));
            }
        }
        return true;
    }

    void close() {
        session.drainAndDisconnect(1_000);
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += Math.max(0, v);
        }
        return s;
    }

    /** The queue, with the hand-in time of each message so its PUBACK can be timed. */
    private static final class TimedQueue implements MessageQueue {
        private final MessageQueue inner;
        private final long[] appendedAt;
        private final LatencyHistogram latency;

        TimedQueue(MessageQueue inner, int capacity, LatencyHistogram latency) {
            this.inner = inner;
            this.appendedAt = new long[capacity];
            this.latency = latency;
        }

        @Override
        public long append(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
                           int payloadLength, int qos, boolean retain, long timestampMillis, int stampAt,
                           long capturedAtMillis, long expiresAtMillis) {
            long seq = inner.append(topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, qos, retain,
                    timestampMillis, stampAt, capturedAtMillis, expiresAtMillis);
            if (seq > 0) {
                appendedAt[(int) (seq % appendedAt.length)] = System.nanoTime();
            }
            return seq;
        }

        @Override
        public boolean next(QueuedRecord into, long nowMillis) {
            return inner.next(into, nowMillis);
        }

        @Override
        public long peekSequence(long nowMillis) {
            return inner.peekSequence(nowMillis);
        }

        @Override
        public void confirm(long sequence) {
            latency.record(System.nanoTime() - appendedAt[(int) (sequence % appendedAt.length)]);
            inner.confirm(sequence);
        }

        @Override
        public void rewind() {
            inner.rewind();
        }

        @Override
        public long oldestSequence() {
            return inner.oldestSequence();
        }

        @Override
        public long nextSequence() {
            return inner.nextSequence();
        }

        @Override
        public QueueCounters counters() {
            return inner.counters();
        }

        @Override
        public void sync() {
            inner.sync();
        }

        @Override
        public void tick(long nowMillis) {
            inner.tick(nowMillis);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
