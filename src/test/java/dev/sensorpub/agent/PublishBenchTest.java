package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.MosquittoBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promise of the whole hot path, measured on a real loopback connection to mosquitto:
 * once warm, publishing through the queue and the session allocates nothing on the loop thread.
 */
class PublishBenchTest {

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void publishing100000MessagesAllocatesNothingOnTheLoopThread(int qos) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            PublishBench bench = new PublishBench(broker.url(), "sensorpub/bench/topic/001", 32, qos, 32);
            try {
                assertTrue(bench.connect(10_000));
                long allocated = AllocationMeter.steadyState(() -> bench.run(100_000, 120_000),
                        () -> bench.run(100_000, 120_000).loopAllocatedBytes());
                assertEquals(0, allocated, "bytes allocated on the loop thread for 100,000 QoS " + qos + " messages");
            } finally {
                bench.close();
            }
        }
    }

    /**
     * At QoS 1 the loop can do nothing more once the window is full: another turn would only read
     * an empty socket. So every turn ends waiting for the broker, as the agent's loop does.
     */
    @Test
    void atQos1EveryTurnOfTheLoopEndsWaitingForTheBroker() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            PublishBench bench = new PublishBench(broker.url(), "sensorpub/bench/topic/001", 32, 1, 32);
            try {
                assertTrue(bench.connect(10_000));
                PublishBench.Result r = bench.run(20_000, 60_000);
                assertTrue(r.turns() <= r.waits() + 1, r.turns() + " turns of the loop, only " + r.waits()
                        + " of them ended waiting");
            } finally {
                bench.close();
            }
        }
    }

    @Test
    void theBenchCommandPrintsOneResultLine() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"bench", "--server", broker.url(), "--qos", "1", "--count", "2000",
                "--size", "16", "--window", "8"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String line = out.toString(StandardCharsets.UTF_8).trim();
            assertEquals(Main.OK, status, err.toString(StandardCharsets.UTF_8));
            assertTrue(line.matches("RESULT client=sensorpub qos=1 count=2000 size=16 window=8 seconds=[0-9.]+"
                    + " msgs_per_sec=[0-9]+ loop_alloc_bytes_per_msg=[0-9.]+ all_alloc_bytes_per_msg=[0-9.]+"
                    + " p50_us=[0-9]+ p99_us=[0-9]+ p999_us=[0-9]+"), line);
        }
    }

    @Test
    void aBacklogQueuedOfflineIsDrainedAndTimedAfterTheLiveRun() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"bench", "--server", broker.url(), "--qos", "1", "--count", "1000",
                "--backlog", "5000"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
            assertEquals(Main.OK, status);
            assertEquals(2, lines.length, String.join("|", lines));
            assertTrue(lines[1].matches("RESULT client=sensorpub mode=backlog qos=1 count=5000 size=32 window=32"
                    + " seconds=[0-9.]+ msgs_per_sec=[0-9]+"), lines[1]);
        }
    }

    @Test
    void badBenchOptionsAreAConfigurationError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench", "--server", "tcp://127.0.0.1:1", "--qos", "2"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.BAD_CONFIG, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--qos 0|1"));
    }
}
