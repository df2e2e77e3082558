package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.payload.PayloadFormatter;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueuedRecord;
import dev.sensorpub.sensor.EventHandoff;
import dev.sensorpub.sensor.SensorSchedule;
import dev.sensorpub.sensor.sim.SimCounter;
import dev.sensorpub.sensor.sim.SimSine;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first half of the publishing path, measured as one: the schedule reads the sensors, the
 * sink formats each reading into its payload and appends it to the queue. (The second half,
 * queue to socket, is measured through mosquitto in PublishBenchTest.)
 */
class QueueingSinkTest {
    private final ManualClock clock = new ManualClock();
    private final MemoryQueue queue = new MemoryQueue(1 << 20, 10_000, OverflowPolicy.DROP_OLDEST, 512,
            clock);
    private final QueueingSink sink = new QueueingSink(new String[] {"beat", "wave"},
            new byte[][][] {{bytes("pi/beat")}, {bytes("pi/wave")}},
            new PayloadFormatter[][] {{PayloadFormatter.number(false, 0, 1, 0, "")},
                {PayloadFormatter.number(true, 2, 1, 0, "C")}},
            new int[] {1, 0}, new boolean[] {false, true}, new long[] {0, 60_000}, queue, clock);
    private final SensorSchedule schedule = new SensorSchedule(List.of(
            new SensorSchedule.Entry("beat", new SimCounter(0), 100, 0, 0),
            new SensorSchedule.Entry("wave", new SimSine("C", 60_000, 1, 20), 100, 0, 0)),
            sink, new EventHandoff(16), clock);
    private final QueuedRecord record = new QueuedRecord();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One interval: both sensors read, formatted and queued; the queue is then emptied. */
    private int round() {
        clock.advanceMillis(100);
        schedule.poll();
        int n = 0;
        while (queue.next(record, clock.monotonicMillis())) {
            queue.confirm(record.sequence());
            n++;
        }
        return n;
    }

    @Test
    void readingsBecomeQueuedMessagesWithTheirTopicQosRetainAndExpiry() {
        schedule.poll();
        long now = clock.monotonicMillis();
        assertTrue(queue.next(record, now));
        assertEquals("pi/beat 0", text(record) + " " + payload(record));
        assertEquals(1, record.qos());
        assertEquals(clock.epochMillis(), record.timestampMillis(), "stamped with the wall clock");
        assertTrue(queue.next(record, now));
        assertEquals("pi/wave", text(record));
        assertTrue(payload(record).startsWith("{\"value\":20.00,\"unit\":\"C\""), payload(record));
        assertTrue(record.retain());
        assertEquals(now + 60_000, record.expiresAtMillis(), "max-age counts on the monotonic clock");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H", "P30D", "-P30D"})
    void aSteppedWallClockExpiresNothingAndRealTimeStillDoes(String step) {
        schedule.poll(); // wave (max-age 1 min) read before NTP's step
        clock.stepWall(Duration.parse(step));
        clock.advanceMillis(59_999);
        assertEquals(List.of("pi/beat", "pi/wave"), drainTopics(), "nothing expired by the step");
        queue.rewind();
        clock.advanceMillis(1);
        assertEquals(List.of("pi/beat"), drainTopics(), "one real minute later the wave reading is gone");
        assertEquals(1, queue.counters().droppedExpired());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1H", "-PT1H"})
    void aReadingQueuedWhileNtpStepsTheClockIsPublishedWithItsCorrectedStamp(String step) {
        long taken = clock.epochMillis();
        schedule.poll(); // read while the link is down, by a clock off by -step
        clock.advanceMillis(1_500);
        clock.stepWall(Duration.parse(step));
        clock.advanceMillis(2_500);
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals("pi/wave", text(record));
        assertEquals(stamp(taken + Duration.parse(step).toMillis()), jsonStamp(record));
    }

    @Test
    void aReadingHandedInLateFromOffTheLoopKeepsItsStamp() {
        long measured = clock.epochMillis() - 2_000; // a slow read finished on its own thread
        sink.accept(1, 0, 21.5, measured, clock.monotonicMillis() - 2_000);
        clock.advanceMillis(1_000);
        assertTrue(queue.next(record, clock.monotonicMillis()));
        assertEquals(stamp(measured), jsonStamp(record), "no step happened: the stamp stays as measured");
    }

    @Test
    void aReadingMeasuredOffTheLoopBeforeAStepAndHandedInAfterItIsPublishedCorrected() throws Exception {
        java.util.concurrent.Semaphore measured = new java.util.concurrent.Semaphore(0);
        dev.sensorpub.sensor.Sensor slow = new dev.sensorpub.sensor.Sensor() {
            @Override
            public List<dev.sensorpub.sensor.Quantity> quantities() {
                return new SimSine("C", 60_000, 1, 20).quantities();
            }

            @Override
            public void read(dev.sensorpub.sensor.Reading out) {
                out.set(0, 21.5);
                measured.release();
            }
        };
        dev.sensorpub.sensor.OffLoopSensor offLoop = new dev.sensorpub.sensor.OffLoopSensor("slow", slow, clock,
                600_000);
        SensorSchedule s = new SensorSchedule(List.of(new SensorSchedule.Entry("beat", new SimCounter(0), 60_000, 0, 0),
                new SensorSchedule.Entry("wave", offLoop, 60_000, 0, 0)), sink, null, clock);
        try {
            long taken = clock.epochMillis();
            s.poll(); // asks the worker, which measures now (wall clock an hour slow)
            assertTrue(measured.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "the worker measured");
            awaitWorkerIdle("sensor-slow");
            clock.advanceMillis(30_000);
            clock.stepWall(Duration.ofHours(1)); // NTP, before the measurement was handed in
            clock.advanceMillis(30_000);
            s.poll(); // hands in the measurement taken before the step
            do {
                assertTrue(queue.next(record, clock.monotonicMillis()), "the off-loop reading was queued");
                queue.confirm(record.sequence());
            } while (!text(record).equals("pi/wave"));
            assertEquals(stamp(taken + Duration.ofHours(1).toMillis()), jsonStamp(record),
                    "stamped with the corrected time of the measurement");
        } finally {
            s.closeSensors();
        }
    }

    /** Waits (at most 5 s) until the named worker is back waiting for its next request. */
    private static void awaitWorkerIdle(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name) && t.getState() == Thread.State.WAITING) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError(name + " did not finish its read within 5 s");
    }

    private static String stamp(long epochMillis) {
        return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(epochMillis));
    }

    /** The "ts" of a JSON payload. */
    private static String jsonStamp(QueuedRecord r) {
        String json = payload(r);
        int at = json.indexOf("\"ts\":\"") + 6;
        return json.substring(at, at + 24);
    }

    private List<String> drainTopics() {
        List<String> topics = new java.util.ArrayList<>();
        while (queue.next(record, clock.monotonicMillis())) {
            topics.add(text(record));
        }
        return topics;
    }

    @Test
    void readingFormattingAndQueueingAllocateNothing() {
        long allocated = AllocationMeter.steadyStateBytes(50_000, () -> {
            if (round() != 2) {
                throw new AssertionError("both sensors publish every round");
            }
        });
        assertEquals(0, allocated, "bytes allocated by 50,000 rounds of two readings each");
    }

    private static String text(QueuedRecord r) {
        return new String(r.buffer(), r.topicOffset(), r.topicLength(), StandardCharsets.UTF_8);
    }

    private static String payload(QueuedRecord r) {
        return new String(r.buffer(), r.payloadOffset(), r.payloadLength(), StandardCharsets.UTF_8);
    }
}
