package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A broker that floods us with QoS 1 PUBLISH and never reads our socket: once our PUBACKs fill
 * the send buffer the session stops reading, and the link is dead after a bounded time. The line
 * that says so must not claim the broker was silent: its bytes were there, unread, all along.
 */
class SessionFloodingBrokerLogTest {
    /** {@code count} QoS 1 PUBLISH to "c" with ids from {@code firstId}. */
    private static byte[] publishes(int firstId, int count) {
        byte[] burst = new byte[9 * count];
        for (int i = 0; i < count; i++) {
            int id = (firstId + i) % 65_535 + 1;
            System.arraycopy(new byte[] {0x32, 0x07, 0x00, 0x01, 'c', (byte) (id >> 8), (byte) id, 'x', 'y'}, 0,
                    burst, 9 * i, 9);
        }
        return burst;
    }

    @Test
    @Disabled("defect: KeepAlive says 'the broker said nothing' of a broker whose bytes wait unread behind our full buffer")
    void theDeadLinkLineOfAFloodingBrokerDoesNotSayItWasSilent() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .keepAliveSeconds(5).reconnectDelays(1_000, 2_000, 10_000));
            s.connect(ScriptedSession.CONNACK);
            s.socket.writable = false; // the broker never reads again
            int id = 0;
            for (int step = 0; step < 200 && s.session.state() == LinkState.CONNECTED; step++) {
                s.socket.deliver(publishes(id, 2_000)); // and keeps sending
                id += 2_000;
                s.step(100);
            }
            assertEquals(LinkState.WAITING, s.session.state(), "dead within 20 s");
            List<String> dead = log.containing("link dead");
            assertEquals(1, dead.size(), log.lines().toString());
            assertFalse(dead.get(0).contains("said nothing"), dead.get(0));
        }
    }
}
