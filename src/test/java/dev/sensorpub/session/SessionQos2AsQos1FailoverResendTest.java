package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A kept session over a failover list of two servers sharing sessions (a cluster): the first
 * closes on QoS 2, so a QoS 2 reading goes to it at QoS 1; it dies before the PUBACK. The second
 * server is another server, so QoS 2 is tried afresh there, but the reading's DUP resend keeps
 * the QoS its packet id was first sent with (MQTT 3.1.1, 4.4): else its QoS 1 window entry would
 * meet a PUBREC and a PUBCOMP it does not expect and hold its slot for ever.
 */
class SessionQos2AsQos1FailoverResendTest {
    private static final String NO_QOS2 = "127.0.0.1:1001";
    private static final byte[] UNAVAILABLE = {0x20, 0x02, 0x00, 0x03};

    @Test
    void aDupResendToAnotherServerKeepsTheQosItsPacketIdWasSentWith() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder(
                    "tcp://" + NO_QOS2 + ",tcp://127.0.0.1:1002", "pi").cleanSession(false)
                    .keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            s.append("pi/t", "y", 2);
            // The first server closes on each QoS 2 PUBLISH; the second refuses meanwhile.
            boolean asQos1 = false;
            for (int attempt = 0; attempt < 20 && !asQos1; attempt++) {
                s.awaitReconnect(s.socket.opens());
                if (!s.socket.opened.get(s.socket.opened.size() - 1).equals(NO_QOS2)) {
                    s.socket.deliver(UNAVAILABLE);
                    s.step(1);
                    continue;
                }
                s.socket.deliver(ScriptedSession.CONNACK_SESSION_PRESENT);
                s.run(2, 1);
                if (s.written().stream().anyMatch(p -> p.startsWith("PUBLISH q1") && p.endsWith(" y"))) {
                    asQos1 = true;
                } else {
                    s.socket.brokerCloses();
                    s.step(1);
                }
            }
            assertTrue(asQos1, "y sent at QoS 1 to the first server: " + log.lines());
            s.socket.brokerCloses(); // it goes before its PUBACK
            s.step(1);
            String second = "";
            for (int attempt = 0; attempt < 5 && !second.equals("127.0.0.1:1002"); attempt++) {
                s.awaitReconnect(s.socket.opens());
                second = s.socket.opened.get(s.socket.opened.size() - 1);
                if (!second.equals("127.0.0.1:1002")) {
                    s.socket.deliver(UNAVAILABLE);
                    s.step(1);
                }
            }
            s.socket.deliver(ScriptedSession.CONNACK_SESSION_PRESENT);
            s.run(2, 1);
            List<String> y = s.written().stream().filter(p -> p.startsWith("PUBLISH") && p.endsWith(" y")).toList();
            assertEquals(1, y.size(), s.written().toString());
            assertTrue(y.get(0).startsWith("PUBLISH q1"), "the DUP of a QoS 1 packet id: " + y);
        }
    }
}
