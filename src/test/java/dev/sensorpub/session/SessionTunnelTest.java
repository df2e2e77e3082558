package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tunnel: the link goes silent (no reset, no FIN) while readings keep coming at 20/s. The
 * session must notice within 1.5 keep alives of the last packet it received, and every reading must reach a subscriber after
 * the link returns: in order of first arrival, with duplicates only for what was unproven.
 */
class SessionTunnelTest {
    private static final int WINDOW = 32;
    private static final long PERIOD_MILLIS = 50;
    /** The loop below looks at the session at least every 20 ms. */
    private static final long LOOP_SLACK_MILLIS = 20;

    /**
     * A 5 s outage is shorter than the 10 s keep alive: the link may survive it without a
     * reconnect. A 60 s outage is not: it must be found dead, and everything resent after.
     */
    @ParameterizedTest(name = "QoS {0}, {1} s outage, keep alive {2} s")
    @CsvSource({"0, 5, 2", "1, 5, 2", "0, 5, 10", "1, 5, 10", "0, 60, 10", "1, 60, 10"})
    void nothingPublishedIntoASilentlyDeadLinkIsLost(int qos, int outageSeconds, int keepAliveSeconds)
            throws Exception {
        // No limit on what mosquitto queues for the subscriber: at its default (1000) a subscriber
        // that falls behind the drained backlog of a 60 s outage loses messages the session delivered.
        try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start();
             BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "tunnel/#", 1, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(proxy.url(), "tunnel-" + qos)
                    .keepAliveSeconds(keepAliveSeconds).inflightWindow(WINDOW).connectTimeoutMillis(1_000)
                    .reconnectDelays(200, 1_000, 10_000).build(), queue, p -> { });

            long start = SessionLoop.nowMillis();
            long outageStart = start + 3_000;
            long outageEnd = outageStart + outageSeconds * 1_000L;
            long publishEnd = outageEnd + 3_000;
            long deadline = publishEnd + 30_000;
            long nextReading = start;
            int published = 0;
            boolean holed = false;
            boolean restored = false;
            long detectedAfter = -1;
            while (SessionLoop.nowMillis() < deadline) {
                long now = SessionLoop.nowMillis();
                if (!holed && now >= outageStart) {
                    assertEquals(LinkState.CONNECTED, session.state(), "connected before the tunnel");
                    proxy.blackHole();
                    holed = true;
                }
                if (holed && detectedAfter < 0 && session.state() != LinkState.CONNECTED) {
                    detectedAfter = now - outageStart;
                }
                if (!restored && now >= outageEnd) {
                    proxy.restore();
                    restored = true;
                }
                while (now < publishEnd && now >= nextReading) {
                    TestQueues.append(queue, "tunnel/counter", String.valueOf(published++), qos);
                    nextReading += PERIOD_MILLIS;
                }
                session.service(now);
                if (now >= publishEnd && session.isDrained()) {
                    break;
                }
                session.await(Math.max(0, Math.min(Math.min(nextReading, session.nextDeadlineMillis(now)),
                        SessionLoop.nowMillis() + 20) - SessionLoop.nowMillis()));
            }
            assertTrue(session.isDrained(), "the backlog drained: " + queue.counters());
            if (outageSeconds * 1_000L > 1_500L * keepAliveSeconds) {
                // The promise counts from the last packet received, which came a moment before
                // the black hole (or just after: bytes the proxy had already passed on).
                long silence = session.counters().lastDeadLinkDetectionMillis();
                assertTrue(detectedAfter >= 0 && silence >= 0 && silence <= 1_500L * keepAliveSeconds + LOOP_SLACK_MILLIS,
                        "dead link found after " + silence + " ms of silence, " + detectedAfter
                                + " ms into the outage; keep alive " + keepAliveSeconds + " s");
            }

            List<String> lines = subscriber.awaitMessages(published, 15_000);
            Set<Integer> firstArrivals = new LinkedHashSet<>();
            for (String line : lines) {
                firstArrivals.add(Integer.parseInt(line.substring("tunnel/counter ".length())));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < published; i++) {
                expected.add(i);
            }
            assertEquals(expected, new ArrayList<>(firstArrivals), "every reading, in order of first arrival");
            int duplicates = lines.size() - firstArrivals.size();
            long resent = session.counters().resentAfterReconnect();
            assertTrue(duplicates <= resent, duplicates + " duplicates but only " + resent + " resent");
            if (qos == 1) {
                assertTrue(resent <= WINDOW, "QoS 1 resends are bounded by the window: " + resent);
            }
            assertTrue(published >= 20 * (6 + outageSeconds) - 5, "published " + published);
            System.out.printf("tunnel QoS %d, outage %d s, keep alive %d s: %d published, %d received, %d duplicates, %d resent, dead link found"
                    + " after %d ms%n", qos, outageSeconds, keepAliveSeconds, published, lines.size(), duplicates, resent, detectedAfter);
            session.close();
        }
    }
}
