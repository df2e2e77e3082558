package dev.sensorpub.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The Paho Java 1.2.5 side of the end-to-end comparison: publishes N messages of S bytes to one
 * topic through {@link MqttAsyncClient} (in-memory persistence, at most W publishes outstanding)
 * and prints the same {@code RESULT ...} line as {@code sensorpub bench}.
 *
 * <pre>
 * PahoPublishBench --server tcp://127.0.0.1:1883 --qos 0|1 --count N --size BYTES
 *                  [--window W] [--topic T] [--warmup N]
 * </pre>
 *
 * Completion: QoS 1 when every delivery token completed (its PUBACK arrived); QoS 0 when every
 * token completed (Paho does that once the PUBLISH is in the socket buffer) and then one QoS 1
 * PUBLISH to {@code <topic>/proof} was acknowledged, which proves the broker read everything
 * before it, as sensorpub's QoS 0 run proves it with a PINGRESP. A warm-up run
 * (default 20,000 messages) on the same connection comes first so the JIT has compiled Paho's
 * paths, as JMH would. Bytes allocated are counted over all threads (Paho's sender, receiver and
 * callback threads do most of the work), so they include this harness's own small share (the
 * semaphore's wait nodes under contention). Exit status 0 on success, 1 on failure.
 */
public final class PahoPublishBench {
    static final String DEFAULT_TOPIC = "sensorpub/bench/topic/001";
    static final int DEFAULT_WARMUP = 20_000;
    private static final long TIMEOUT_MILLIS = 300_000;
    /** Send times are kept per ring slot; the window must stay well below it (PUBACKs come in order). */
    private static final int RING = 4096;
    private static final Integer[] SLOTS = new Integer[RING];

    static {
        for (int i = 0; i < RING; i++) {
            SLOTS[i] = i; // boxed once here, so passing a slot as user context allocates nothing per message
        }
    }

    private final MqttAsyncClient client;
    private final String topic;
    private final String proofTopic;
    private final int qos;
    private final int window;
    private final byte[] payload;
    private final long[] sentNanos = new long[RING];
    private final Semaphore permits;
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long[] latencyNanos = new long[0];
    private final IMqttActionListener onDelivered = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            int done = completed.getAndIncrement();
            if (done < latencyNanos.length) {
                latencyNanos[done] = System.nanoTime() - sentNanos[(Integer) token.getUserContext()];
            }
            permits.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            failure.compareAndSet(null, exception);
            completed.getAndIncrement();
            permits.release();
        }
    };

    private PahoPublishBench(MqttAsyncClient client, String topic, int qos, int window, int size) {
        this.client = client;
        this.topic = topic;
        this.proofTopic = topic + "/proof";
        this.qos = qos;
        this.window = window;
        this.payload = payload(size);
        this.permits = new Semaphore(window);
    }

    /** The measured numbers of one run. Latencies are in microseconds, or -1 for QoS 0. */
    record Result(String client, int qos, int count, int size, int window, double seconds, double allocBytesPerMessage,
            long p50Micros, long p99Micros, long p999Micros) {

        double messagesPerSecond() {
            return count / seconds;
        }

        /** The line the benchmark script parses; the same keys as {@code sensorpub bench} prints. */
        String line() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "RESULT client=%s qos=%d count=%d size=%d window=%d seconds=%.3f msgs_per_sec=%.0f"
                            + " all_alloc_bytes_per_msg=%.2f",
                    client, qos, count, size, window, seconds, messagesPerSecond(), allocBytesPerMessage));
            if (qos > 0) {
                s.append(String.format(Locale.ROOT, " p50_us=%d p99_us=%d p999_us=%d", p50Micros, p99Micros,
                        p999Micros));
            }
            return s.toString();
        }
    }

    public static void main(String[] args) {
        try {
            System.out.println(run(args).line());
        } catch (IllegalArgumentException e) {
            System.err.println("PahoPublishBench: " + e.getMessage());
            System.err.println("usage: PahoPublishBench --server tcp://host:port --qos 0|1 --count N --size BYTES"
                    + " [--window W] [--topic T] [--warmup N]");
            System.exit(1);
        } catch (Exception e) {
            System.err.println("PahoPublishBench failed: " + e);
            System.exit(1);
        }
        System.exit(0); // Paho's timer thread is not a daemon in every version
    }

    /** Parses the options, connects, warms up, measures, disconnects. */
    static Result run(String... args) throws Exception {
        Options o = Options.parse(args);
        String clientId = "paho-bench-" + ProcessHandle.current().pid();
        MqttAsyncClient client = new MqttAsyncClient(o.server, clientId, new MemoryPersistence());
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setCleanSession(true);
        connect.setMaxInflight(o.window);
        connect.setKeepAliveInterval(60);
        connect.setAutomaticReconnect(false);
        try {
            client.connect(connect).waitForCompletion(10_000);
            PahoPublishBench bench = new PahoPublishBench(client, o.topic, o.qos, o.window, o.size);
            bench.publishAll(o.warmup);
            return bench.measure(o.count, o.size);
        } finally {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(10_000);
            }
            client.close();
        }
    }

    private Result measure(int count, int size) throws Exception {
        latencyNanos = qos > 0 ? new long[count] : new long[0];
        allThreadsAllocatedBytes(); // its own first call may allocate; keep that out of the measured region
        long allocatedBefore = allThreadsAllocatedBytes();
        long start = System.nanoTime();
        publishAll(count);
        long elapsed = System.nanoTime() - start;
        long allocated = allThreadsAllocatedBytes() - allocatedBefore;
        long p50 = -1;
        long p99 = -1;
        long p999 = -1;
        if (qos > 0) {
            Arrays.sort(latencyNanos);
            p50 = percentileMicros(latencyNanos, 0.50);
            p99 = percentileMicros(latencyNanos, 0.99);
            p999 = percentileMicros(latencyNanos, 0.999);
        }
        return new Result("paho", qos, count, size, window, elapsed / 1e9, (double) allocated / count, p50, p99, p999);
    }

    /** Publishes {@code count} messages and returns once every delivery token completed. */
    private void publishAll(int count) throws Exception {
        completed.set(0);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        for (int i = 0; i < count; i++) {
            if (!permits.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("no delivery within " + TIMEOUT_MILLIS + " ms after " + i + " publishes");
            }
            int slot = i & (RING - 1);
            sentNanos[slot] = System.nanoTime();
            publishOne(topic, payload, qos, SLOTS[slot], onDelivered, deadline);
            throwIfFailed();
        }
        // Every permit back means every token completed.
        if (!permits.tryAcquire(window, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("only " + completed.get() + " of " + count + " deliveries completed within "
                    + TIMEOUT_MILLIS + " ms");
        }
        permits.release(window);
        throwIfFailed();
        if (qos == 0) {
            // A QoS 0 token completes once the bytes are in the socket buffer. One QoS 1 PUBLISH
            // after them, answered in order, proves the broker has read them all, as sensorpub's
            // PINGRESP does. It goes to a sibling topic so the subscriber's count stays exact.
            publishOne(proofTopic, new byte[0], 1, null, null, deadline).waitForCompletion(
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private IMqttDeliveryToken publishOne(String toTopic, byte[] body, int atQos, Object context,
            IMqttActionListener listener, long deadline) throws MqttException {
        while (true) {
            try {
                return client.publish(toTopic, body, atQos, false, context, listener);
            } catch (MqttException e) {
                // Paho frees its in-flight slot just after completing the token, so our permit can
                // come back a moment before Paho's own count drops: retry briefly.
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.yield();
            }
        }
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("a delivery failed: " + t, t);
        }
    }

    static long percentileMicros(long[] sortedNanos, double fraction) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(fraction * sortedNanos.length) - 1);
        return TimeUnit.NANOSECONDS.toMicros(sortedNanos[Math.max(0, index)]);
    }

    /** Bytes allocated so far by every thread of this JVM, including threads that have ended. */
    static long allThreadsAllocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            return threads.getTotalThreadAllocatedBytes(); // JDK 21, backported to recent 17 updates
        } catch (UnsupportedOperationException olderJdk) {
            // Live threads only: Paho's threads live as long as the connection, which spans the run.
            long sum = 0;
            for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                sum += Math.max(0, bytes);
            }
            return sum;
        }
    }

    /** Printable ASCII so the same bytes could be fed to {@code mosquitto_pub -l}. */
    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        byte[] pattern = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            bytes[i] = pattern[i % pattern.length];
        }
        return bytes;
    }

    /** Command-line options, checked with a message that names the bad option. */
    static final class Options {
        String server;
        int qos = -1;
        int count = -1;
        int size = -1;
        int window = 10;
        int warmup = DEFAULT_WARMUP;
        String topic = DEFAULT_TOPIC;

        static Options parse(String... args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                String key = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + key + " needs a value");
                }
                String value = args[i + 1];
                switch (key) {
                    case "--server" -> o.server = value;
                    case "--qos" -> o.qos = number(key, value, 0, 1);
                    case "--count" -> o.count = number(key, value, 1, Integer.MAX_VALUE);
                    case "--size" -> o.size = number(key, value, 0, 268_435_455);
                    case "--window" -> o.window = number(key, value, 1, RING / 2);
                    case "--warmup" -> o.warmup = number(key, value, 0, Integer.MAX_VALUE);
                    case "--topic" -> o.topic = value;
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.server == null || o.qos < 0 || o.count < 0 || o.size < 0) {
                throw new IllegalArgumentException("--server, --qos, --count and --size are required");
            }
            return o;
        }

        private static int number(String key, String value, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " '" + value + "' is not a whole number");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(key + " " + n + " is outside " + min + ".." + max);
            }
            return n;
        }
    }
}
