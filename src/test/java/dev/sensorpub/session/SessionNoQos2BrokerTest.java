package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A broker without QoS 2 that closes the connection on a QoS 2 PUBLISH (AWS IoT Core does): issue
 * 11 asks that all readings be delivered there, explained in one line. The readings behind a QoS 2
 * one must not wait for ever behind a message the broker will never take.
 */
class SessionNoQos2BrokerTest {
    @Test
    @Disabled("defect: OutboundDelivery resends a QoS 2 reading to a broker that closes on QoS 2 for ever; all behind it stall")
    void readingsBehindAQos2OneReachABrokerThatClosesOnQos2() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            s.append("pi/t", "q2", 2);
            for (int i = 0; i < 10; i++) {
                s.append("pi/t", "r" + i, 1);
            }
            int acked = 0;
            for (int attempt = 0; attempt < 50 && s.queue.counters().queuedMessages() > 0; attempt++) {
                s.connect(ScriptedSession.CONNACK);
                s.step(1);
                List<String> packets = s.written();
                if (packets.stream().anyMatch(p -> p.startsWith("PUBLISH q2"))) {
                    s.socket.brokerCloses();
                    s.step(1);
                    continue;
                }
                for (String p : packets) {
                    if (p.startsWith("PUBLISH q1")) {
                        int id = Integer.parseInt(p.substring(p.indexOf("id=") + 3, p.indexOf(' ', p.indexOf("id="))));
                        s.socket.deliver(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                        acked++;
                    }
                }
                s.step(1);
            }
            assertTrue(acked >= 10, acked + " acknowledged; " + s.socket.opens() + " connections");
            assertEquals(0, s.queue.counters().queuedMessages(), "all readings delivered");
            assertTrue(log.containing("QoS 2").size() <= 2, log.lines().toString());
        }
    }
}
