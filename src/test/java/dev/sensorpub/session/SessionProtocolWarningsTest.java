package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A broker repeating one protocol slip with a different packet id each time gets one line, not thousands. */
class SessionProtocolWarningsTest {
    @Test
    void unexpectedAcksThatDifferOnlyInTheirIdAreFoldedIntoOneLinePerInterval() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi"));
            s.connect(ScriptedSession.CONNACK);
            for (int round = 0; round < 10; round++) {
                ByteArrayOutputStream acks = new ByteArrayOutputStream();
                for (int i = 0; i < 100; i++) {
                    int id = 1000 + round * 100 + i;
                    acks.writeBytes(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                }
                s.socket.deliver(acks.toByteArray());
                s.run(5, 10);
            }
            assertEquals(LinkState.CONNECTED, s.session.state());
            assertEquals(1, log.containing("PUBACK for an id").size(), log.lines().toString());
            s.step(60_000);
            List<String> lines = log.containing("PUBACK for an id");
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(1).contains("999 more"), lines.get(1));
        }
    }
}
