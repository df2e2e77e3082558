package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import org.junit.jupiter.api.Test;

/**
 * A broker that answers QoS 2 at once (it holds no limit that was passed) and whose connections
 * are reset now and then: a broker restart, a NAT or access point dropping the connection. A
 * close with several QoS 2 messages awaiting PUBREC looks the same as its limit passed, so the
 * cap halves at each; it must not stay at one message per round trip for the rest of the
 * process: an hour after the lowered cap is reached it doubles back, up to the setting.
 */
class SessionQos2CapAfterResetsTest {
    private static long qos2Publishes(ScriptedSession s) {
        return s.written().stream().filter(p -> p.startsWith("PUBLISH q2")).count();
    }

    /** Six links, each reset by the broker right after it answered the first QoS 2 PUBLISH. */
    private static void sixResets(ScriptedSession s) {
        for (int reset = 0; reset < 6; reset++) {
            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            s.step(1);
            String first = s.written().stream().filter(p -> p.startsWith("PUBLISH q2")).findFirst().orElseThrow();
            int id = Integer.parseInt(first.substring(first.indexOf("id=") + 3, first.indexOf(' ', first.indexOf("id="))));
            s.socket.deliver(new byte[] {0x50, 2, (byte) (id >> 8), (byte) id});
            s.step(1);
            s.socket.brokerCloses();
            s.step(1);
        }
    }

    @Test
    void aCapLoweredByResetsDoublesBackEachHourUpToTheSetting() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).keepAliveSeconds(10).reconnectDelays(1, 2, 10_000));
        for (int i = 0; i < 400; i++) {
            s.append("pi/t", "r" + i, 2);
        }
        sixResets(s);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.step(1);
        assertEquals(1, qos2Publishes(s), "the resets lowered the cap to 1: " + s.written());
        try (CapturedLog log = new CapturedLog()) {
            s.clock.advanceMillis(BrokerQos2Limits.REGROW_AFTER_MILLIS - 1);
            s.socket.brokerCloses(); // a quiet close: nothing awaited PUBREC but the one
            s.step(1);
            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            s.step(1);
            assertTrue(qos2Publishes(s) >= 2, "an hour after the last halving the cap doubled: " + s.written());
            assertEquals(1, log.containing("QoS 2 back to at most 2 awaiting PUBREC").size(), log.lines().toString());
        }
    }
}
