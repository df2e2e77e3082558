package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A PUBREC we were not waiting for is answered with PUBREL, as the specification asks; the
 * broker's PUBCOMP for that PUBREL is its due, not a second slip to count.
 */
class SessionStrayPubrecTest {
    @Test
    void thePubcompForOurPubrelToAStrayPubrecIsTakenSilently() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi"));
            s.connect(ScriptedSession.CONNACK);
            for (int id = 60_000; id < 60_066; id++) {
                s.socket.deliver(ScriptedSession.ack(5, id));
                s.run(2, 10);
                s.socket.deliver(ScriptedSession.ack(7, id));
                s.run(2, 10);
            }
            s.step(60_000);
            assertEquals(LinkState.CONNECTED, s.session.state());
            assertEquals(2, log.containing("PUBREC for an id").size(), log.lines().toString());
            assertEquals(0, log.containing("PUBCOMP").size(), log.lines().toString());

            s.socket.deliver(ScriptedSession.ack(7, 60_000));
            s.run(2, 10);
            assertEquals(1, log.containing("PUBCOMP for an id").size(), "answered once; a second is a slip");
        }
    }
}
