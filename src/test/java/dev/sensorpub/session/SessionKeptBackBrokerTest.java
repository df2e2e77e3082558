package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against a real mosquitto (Nagle on), with links reset while the window is full: whatever the
 * window, mixed QoS 0, 1 and 2 all arrive. (Order at the subscriber is not checked here: with its
 * default 20 in flight to a subscriber mosquitto does not promise it.)
 */
class SessionKeptBackBrokerTest {
    private static final int COUNT = 1500;
    private static final long TIMEOUT = 30_000;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 32})
    void mixedQosThroughResetLinksAllArrives(int window) throws Exception {
        // No limit on the subscriber's queue: a full one drops messages whatever we do.
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start();
             BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "kb/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(proxy.url(), "kb" + window)
                    .inflightWindow(window).cleanSession(false).keepAliveSeconds(5).reconnectDelays(50, 200, 5_000)
                    .build(), queue, p -> { });
            for (int i = 0; i < COUNT; i++) {
                TestQueues.append(queue, "kb/t", String.valueOf(i), i % 3);
            }
            for (int cut = 1; cut <= 2; cut++) {
                long confirmedAt = COUNT * cut / 3;
                assertTrue(runUntil(() -> queue.counters().confirmed() >= confirmedAt, TIMEOUT, session),
                        "confirmed " + queue.counters().confirmed() + " before cut " + cut);
                proxy.reset();
            }
            assertTrue(runUntil(session::isDrained, TIMEOUT, session), "drained: " + queue.counters().confirmed());
            List<String> first = new ArrayList<>();
            for (int n = COUNT; first.size() < COUNT && n < 2 * COUNT; n += 50) {
                // Duplicates count too: wait for more until every message is there (bounded).
                first = new ArrayList<>(new LinkedHashSet<>(subscriber.awaitMessages(n, 2_000)));
            }
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                if (!first.contains("kb/t " + i)) {
                    missing.add(i);
                }
            }
            assertEquals(List.of(), missing, "every message arrived (" + subscriber.messages().size() + " in all)");
            assertTrue(queue.counters().confirmed() >= COUNT, "every record confirmed once drained");
            session.close();
        }
    }
}
