package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mosquitto 2.0.11 with a low {@code max_inflight_messages} and QoS 0, 1 and 2 mixed: with
 * {@code mqtt.broker-inflight-limit} set to it nothing is lost and the link stays up. Without
 * the setting (20) and with its default {@code max_queued_messages} it answers the messages past
 * its limit as if it took them and drops them, never closing (README, Known limitations); with
 * {@code max_queued_messages 0} it closes right after, and the session learns the limit from
 * those closes without losing the message answered last. {@code -Dinflight-limit.runs=N}
 * repeats each case N times.
 */
class SessionInflightLimitBrokerTest {
    private static final int RECORDS = 300;

    /** {@code maxQueued}: -1 leaves mosquitto's default (1000). */
    @ParameterizedTest(name = "max_inflight_messages {0}, max_queued_messages {1}, broker-inflight-limit {2}")
    @CsvSource({"1, -1, 1", "1, 0, 1", "5, -1, 5", "1, 0, 20"})
    void everyMessageOfMixedQosArrives(int limit, int maxQueued, int setting) throws Exception {
        int runs = Integer.getInteger("inflight-limit.runs", 1);
        for (int run = 0; run < runs; run++) {
            oneRun(limit, maxQueued, setting);
        }
    }

    private void oneRun(int limit, int maxQueued, int setting) throws Exception {
        try (CapturedLog log = new CapturedLog();
             MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(maxQueued)
                     .configLine("max_inflight_messages " + limit).start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "garage/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "inflight-limit")
                    .cleanSession(false).keepAliveSeconds(5).reconnectDelays(100, 1_000, 5_000)
                    .inflightWindow(32).brokerInflightLimit(setting).build(), queue, p -> { });
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < RECORDS; i++) {
                TestQueues.append(queue, "garage/counter", String.valueOf(i), i % 3);
                expected.add("garage/counter " + i);
            }
            assertTrue(runUntil(session::isDrained, 60_000, session),
                    queue.counters().confirmed() + " of " + RECORDS + " confirmed in 60 s; " + log.lines());
            List<String> arrived = subscriber.awaitMessages(RECORDS, 10_000);
            for (int i = 0; i < 50 && !new TreeSet<>(arrived).containsAll(expected); i++) {
                arrived = subscriber.awaitMessages(arrived.size() + 1, 100); // duplicates count too
            }
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(arrived);
            assertEquals(List.of(), List.copyOf(missing).subList(0, Math.min(10, missing.size())),
                    missing.size() + " lost, the first shown; reconnects " + session.counters().reconnects());
            if (setting <= limit) {
                assertEquals(0, session.counters().reconnects(), log.lines().toString());
            }
            session.close();
        }
    }
}
