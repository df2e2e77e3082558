package dev.sensorpub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PahoPublishBenchTest {
    private static final int COUNT = 2_000;
    private static final int WARMUP = 200;
    private static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = MosquittoBroker.builder().configLine("max_queued_messages 0").start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void qos1RunDeliversEveryMessageAndPrintsAParsableResultWithLatencies() throws Exception {
        Run run = publishWhileSubscribed("sensorpub/bench/topic/q01", 1, 10);

        assertEquals("paho", run.values.get("client"));
        assertEquals("1", run.values.get("qos"));
        assertEquals(String.valueOf(COUNT), run.values.get("count"));
        assertEquals("32", run.values.get("size"));
        assertEquals("10", run.values.get("window"));
        assertTrue(Double.parseDouble(run.values.get("msgs_per_sec")) > 0, run.values.toString());
        assertTrue(Double.parseDouble(run.values.get("all_alloc_bytes_per_msg")) > 0,
                "Paho allocates per message, so a zero here means the meter is broken: " + run.values);
        long p50 = Long.parseLong(run.values.get("p50_us"));
        long p99 = Long.parseLong(run.values.get("p99_us"));
        long p999 = Long.parseLong(run.values.get("p999_us"));
        assertTrue(0 <= p50 && p50 <= p99 && p99 <= p999, run.values.toString());
        assertEquals(WARMUP + COUNT, run.received.size());
        assertEquals("sensorpub/bench/topic/q01 0123456789abcdefghijklmnopqrstuv",
                run.received.get(run.received.size() - 1));
    }

    @Test
    void qos0RunCountsEveryPublishAndHasNoLatencyKeys() throws Exception {
        Run run = publishWhileSubscribed("sensorpub/bench/topic/q00", 0, 256);

        assertEquals("0", run.values.get("qos"));
        assertEquals(String.valueOf(COUNT), run.values.get("count"));
        assertEquals("256", run.values.get("window"));
        assertFalse(run.values.containsKey("p50_us"), run.values.toString());
        assertEquals(WARMUP + COUNT, run.received.size());
    }

    @Test
    void percentilesPickTheValueAtOrAboveTheFraction() {
        long[] sortedNanos = new long[1000];
        for (int i = 0; i < sortedNanos.length; i++) {
            sortedNanos[i] = (i + 1) * 1_000L; // 1..1000 µs
        }
        assertEquals(500, PahoPublishBench.percentileMicros(sortedNanos, 0.50));
        assertEquals(990, PahoPublishBench.percentileMicros(sortedNanos, 0.99));
        assertEquals(999, PahoPublishBench.percentileMicros(sortedNanos, 0.999));
        assertEquals(-1, PahoPublishBench.percentileMicros(new long[0], 0.5));
    }

    @Test
    void badOptionsAreRejectedNamingTheOptionAndValue() {
        assertEquals("--qos 2 is outside 0..1", assertThrows(IllegalArgumentException.class,
                () -> PahoPublishBench.Options.parse("--server", "tcp://x:1", "--qos", "2")).getMessage());
        assertEquals("--count 'many' is not a whole number", assertThrows(IllegalArgumentException.class,
                () -> PahoPublishBench.Options.parse("--count", "many")).getMessage());
        assertEquals("unknown option --speed", assertThrows(IllegalArgumentException.class,
                () -> PahoPublishBench.Options.parse("--speed", "9")).getMessage());
        assertEquals("--server, --qos, --count and --size are required", assertThrows(IllegalArgumentException.class,
                () -> PahoPublishBench.Options.parse("--qos", "1")).getMessage());
    }

    /** The RESULT line's values and what an independent subscriber received (warm-up included). */
    private record Run(Map<String, String> values, List<String> received) {
    }

    private static Run publishWhileSubscribed(String topic, int qos, int window) throws Exception {
        try (MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, topic, 0, null)) {
            String line = PahoPublishBench.run("--server", broker.url(), "--qos", String.valueOf(qos),
                    "--count", String.valueOf(COUNT), "--size", "32", "--window", String.valueOf(window),
                    "--topic", topic, "--warmup", String.valueOf(WARMUP)).line();
            assertTrue(line.startsWith("RESULT client=paho "), line);
            Map<String, String> values = EndToEndTable.parse(List.of("run\t" + line)).get(0).values();
            return new Run(values, subscriber.awaitMessages(WARMUP + COUNT, 10_000));
        }
    }
}
