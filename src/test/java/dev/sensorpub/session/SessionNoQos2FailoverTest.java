package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failover list whose first server has QoS 2 (a local mosquitto) and whose second does not (a
 * cloud broker that closes on a QoS 2 PUBLISH, as AWS IoT Core does). The first answered a QoS 2
 * reading with PUBREC, then went down (it refuses: server unavailable). Issue 11: every reading
 * reaches the second server; none waits for ever behind a QoS 2 message it will never take.
 */
class SessionNoQos2FailoverTest {
    private static final String GOOD = "127.0.0.1:1001";
    private static final byte[] UNAVAILABLE = {0x20, 0x02, 0x00, 0x03};

    @Test
    void readingsReachASecondServerWithoutQos2AfterTheFirstAnsweredQos2() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder(
                    "tcp://" + GOOD + ",tcp://127.0.0.1:1002", "pi")
                    .keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            s.append("pi/t", "x", 2);
            s.connect(ScriptedSession.CONNACK);
            s.step(1);
            s.completeQos2(ScriptedSession.idOf(s.written(), "PUBLISH q2", " x"));
            assertEquals(0, s.queue.counters().queuedMessages(), "x delivered at QoS 2 by the first server");
            s.socket.brokerCloses(); // the first server goes down
            s.step(1);

            s.append("pi/t", "y", 2);
            for (int i = 0; i < 10; i++) {
                s.append("pi/t", "r" + i, 1);
            }
            int closesOnQos2 = 0;
            for (int attempt = 0; attempt < 60 && s.queue.counters().queuedMessages() > 0; attempt++) {
                s.awaitReconnect(s.socket.opens());
                String server = s.socket.opened.get(s.socket.opened.size() - 1);
                if (server.equals(GOOD)) {
                    s.socket.deliver(UNAVAILABLE);
                    s.step(1);
                    continue;
                }
                s.socket.deliver(ScriptedSession.CONNACK);
                s.step(1);
                s.step(1);
                List<String> packets = s.written();
                if (packets.stream().anyMatch(p -> p.startsWith("PUBLISH q2"))) {
                    closesOnQos2++;
                    s.socket.brokerCloses();
                    s.step(1);
                    continue;
                }
                s.pubackQos1(new HashSet<>());
                s.step(1);
            }
            assertEquals(0, s.queue.counters().queuedMessages(), "readings still queued after "
                    + closesOnQos2 + " closes on QoS 2 by the second server; " + log.containing("QoS 2"));
            assertTrue(closesOnQos2 <= 2, closesOnQos2 + " closes on QoS 2");
        }
    }
}
