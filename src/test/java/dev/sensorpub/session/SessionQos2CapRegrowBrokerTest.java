package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mosquitto 2.0.11 with {@code max_inflight_messages 5} and {@code max_queued_messages 0}, the
 * setting left at 20, over six simulated hours: the cap learnt doubles back each hour, the
 * broker closes once at that, and the cap halves again. Every reading must arrive once, with
 * no more closed links than the first learning and one an hour after.
 */
class SessionQos2CapRegrowBrokerTest {

    /** Services the session on a clock {@code offsetMillis} ahead of the real one. */
    private static boolean runUntil(MqttSession session, long offsetMillis, long timeoutMillis) {
        long deadline = SessionLoop.nowMillis() + timeoutMillis;
        while (!session.isDrained()) {
            long real = SessionLoop.nowMillis();
            if (real >= deadline) {
                return false;
            }
            session.service(real + offsetMillis);
            long wake = session.nextDeadlineMillis(real + offsetMillis) - offsetMillis;
            session.await(Math.max(0, Math.min(wake - SessionLoop.nowMillis(), 50)));
        }
        return true;
    }

    /**
     * {@code perHour}: the readings queued at the start of each hour; {@code closes}: the closed
     * links each hour, first the halvings from 20 down to {@code limit}. Hours of one reading
     * never reach the cap: they are no sign that the broker takes more, and must not let a burst
     * after them pass the limit again at every halving.
     */
    @ParameterizedTest(name = "max_inflight_messages {0}, readings {1}")
    @CsvSource({"5, 60 60 60 60 60 60, 2 1 1 1 1 1", "1, 60 60 60 60 60 60, 4 1 1 1 1 1",
            "1, 60 1 1 1 1 60, 4 0 0 0 0 1"})
    void aRegrownCapCostsOneClosedLinkAnHourAndLosesNothing(int limit, String perHour, String closes)
            throws Exception {
        int[] readings = Arrays.stream(perHour.split(" ")).mapToInt(Integer::parseInt).toArray();
        try (CapturedLog log = new CapturedLog();
             MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0)
                     .configLine("max_inflight_messages " + limit).start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "garage/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "regrow")
                    .cleanSession(false).keepAliveSeconds(5).reconnectDelays(100, 1_000, 5_000)
                    .inflightWindow(32).build(), queue, p -> { });
            List<Long> reconnectsByHour = new ArrayList<>();
            long before = 0;
            for (int hour = 0; hour < readings.length; hour++) {
                for (int i = 0; i < readings[hour]; i++) {
                    TestQueues.append(queue, "garage/counter", hour + "-" + i, 2);
                }
                long offset = hour * (BrokerQos2Limits.REGROW_AFTER_MILLIS + 60_000);
                assertTrue(runUntil(session, offset, 30_000), "hour " + hour + ": " + log.lines());
                reconnectsByHour.add(session.counters().reconnects() - before);
                before = session.counters().reconnects();
            }
            int total = Arrays.stream(readings).sum();
            List<String> arrived = subscriber.awaitMessages(total, 10_000);
            arrived = subscriber.awaitMessages(total + 1, 500); // a duplicate would come in time too
            Map<String, Integer> counts = new HashMap<>();
            arrived.forEach(m -> counts.merge(m, 1, Integer::sum));
            List<String> wrong = new ArrayList<>();
            for (int hour = 0; hour < readings.length; hour++) {
                for (int i = 0; i < readings[hour]; i++) {
                    int n = counts.getOrDefault("garage/counter " + hour + "-" + i, 0);
                    if (n != 1) {
                        wrong.add(hour + "-" + i + " x" + n);
                    }
                }
            }
            assertEquals(List.of(), wrong, "reconnects by hour " + reconnectsByHour + "; " + log.lines());
            assertEquals(closes, reconnectsByHour.stream().map(String::valueOf)
                    .collect(Collectors.joining(" ")), log.lines().toString());
            session.close();
        }
    }
}
