package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The folded count of a broker's protocol slips is written when its interval ends, whether or not
 * a link is up then: a broker that slips and then goes away (or a stop) must not take the count
 * with it.
 */
class SessionProtocolWarningsAfterLinkTest {
    private static byte[] unexpectedPubacks(int count) {
        ByteArrayOutputStream acks = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int id = 1000 + i;
            acks.writeBytes(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
        }
        return acks.toByteArray();
    }

    @Test
    void theFoldedCountIsWrittenWhileTheLinkIsDown() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .reconnectDelays(600_000, 600_000, 10_000));
            s.connect(ScriptedSession.CONNACK);
            s.socket.deliver(unexpectedPubacks(50));
            s.step(1);
            s.socket.brokerCloses();
            s.step(1);
            assertEquals(LinkState.WAITING, s.session.state());
            s.step(61_000); // the interval is over, the next attempt is minutes away
            List<String> lines = log.containing("PUBACK for an id");
            assertEquals(2, lines.size(), log.lines().toString());
            assertTrue(lines.get(1).contains("49 more"), lines.get(1));
        }
    }

    @Test
    void theFoldedCountIsWrittenAtAStop() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi"));
            s.connect(ScriptedSession.CONNACK);
            s.socket.deliver(unexpectedPubacks(50));
            s.step(1);
            s.session.drainAndDisconnect(0);
            List<String> lines = log.containing("PUBACK for an id");
            assertEquals(2, lines.size(), log.lines().toString());
            assertTrue(lines.get(1).contains("49 more"), lines.get(1));
        }
    }
}
