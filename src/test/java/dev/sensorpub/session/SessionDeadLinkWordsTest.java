package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the dead-link line says is what happened. A PINGREQ the kernel shows still queued behind
 * bytes the broker's TCP stopped taking (a broker that stopped reading: a zero window times out no
 * resend), one packet from the broker half a second after the PINGREQ left, then nothing at all:
 * the verdict comes 3 keep alives after the PINGREQ left, and the broker did not keep sending.
 */
class SessionDeadLinkWordsTest {
    /** A QoS 0 PUBLISH on "x/y", another client's message. */
    private static final byte[] INBOUND = {0x30, 0x05, 0x00, 0x03, 'x', '/', 'y'};

    @Test
    void aBrokerSilentAfterOnePacketIsNotSaidToHaveKeptSending() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(5).reconnectDelays(1_000, 2_000, 10_000));
        try (CapturedLog log = new CapturedLog()) {
            s.socket.acknowledged = 0;
            s.socket.resendTimeouts = 0;
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/t", "r", 0);
            long pingAt = -1;
            boolean told = false;
            for (int i = 0; i < 300 && s.session.state() == LinkState.CONNECTED; i++) {
                s.step(100);
                if (pingAt < 0 && s.written().contains("PINGREQ")) {
                    pingAt = s.clock.monotonicMillis();
                }
                if (!told && pingAt >= 0 && s.clock.monotonicMillis() - pingAt >= 500) {
                    s.socket.deliver(INBOUND);
                    told = true;
                }
            }
            assertEquals(1, s.session.counters().deadLinksDetected);
            List<String> dead = log.containing("link dead");
            assertEquals(1, dead.size(), log.lines().toString());
            assertFalse(dead.get(0).contains("broker sends"), dead.get(0));
            assertTrue(dead.get(0).contains("no PINGRESP in 15000 ms, quiet for "), dead.get(0));
        }
    }
}
