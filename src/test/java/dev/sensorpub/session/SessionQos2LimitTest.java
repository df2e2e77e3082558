package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A broker whose QoS 2 limit is below the 20 the session starts with: mosquitto 2.0.11 closes
 * the connection once it is passed, so the session lowers its QoS 2 cap after such a close and
 * delivers at the broker's real limit, DUP resends included.
 */
class SessionQos2LimitTest {
    private static final int RECORDS = 500;

    /** {@code halvings}: from 20 down to the broker's limit (20, 10, 5; 20, 10, 5, 2, 1), one close each. */
    @ParameterizedTest(name = "max_inflight_messages {0}, clean session {1}")
    @CsvSource({"5, false, 2", "5, true, 2", "1, false, 4"})
    void qos2ToABrokerWithALowerInflightLimitIsDeliveredExactlyOnceInOrder(int limit, boolean cleanSession,
            int halvings) throws Exception {
        try (CapturedLog log = new CapturedLog();
             MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0)
                     .configLine("max_inflight_messages " + limit).start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "garage/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "q2-limit")
                    .cleanSession(cleanSession).keepAliveSeconds(5).reconnectDelays(100, 1_000, 5_000)
                    .inflightWindow(64).build(), queue, p -> { });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                TestQueues.append(queue, "garage/counter", String.valueOf(i), 2);
                expected.add("garage/counter " + i);
            }
            assertTrue(runUntil(session::isDrained, 30_000, session),
                    queue.counters().confirmed() + " of " + RECORDS + " confirmed in 30 s; " + log.lines());
            assertEquals(expected, subscriber.awaitMessages(RECORDS, 5_000), "exactly once, in order");
            assertEquals(RECORDS, queue.counters().confirmed());
            assertTrue(session.counters().reconnects() <= halvings,
                    session.counters().reconnects() + " reconnects: " + log.lines());
            assertEquals(session.counters().linkLosses(), log.containing("QoS 2 now at most").size(),
                    "each close lowered the cap, in one line: " + log.lines());
            session.close();
        }
    }
}
