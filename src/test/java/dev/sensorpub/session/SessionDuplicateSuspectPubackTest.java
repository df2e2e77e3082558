package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A broker that answers a suspect PUBACK (a QoS 1 reading written while our QoS 2 awaited PUBREC)
 * twice: the second copy is an unexpected PUBACK, warned about, and the in-flight window still
 * counts what it holds (the QoS 2 message), so no more than the window goes out.
 */
class SessionDuplicateSuspectPubackTest {
    @Test
    void aSecondPubackForASuspectReadingLeavesTheWindowCountRight() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .inflightWindow(2).keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/t", "a", 2);
            s.append("pi/t", "u", 1);
            s.run(2, 1);
            int u = ScriptedSession.idOf(s.written(), "PUBLISH q1", " u");
            byte[] puback = {0x40, 2, 0, (byte) u};
            s.socket.deliver(puback); // suspect: a awaits PUBREC, so u keeps its slot
            s.step(1);
            s.socket.deliver(puback); // the same PUBACK again
            s.step(1);
            for (String r : List.of("c", "d", "e")) {
                s.append("pi/t", r, 1);
            }
            s.run(5, 1);
            long written = s.written().stream()
                    .filter(p -> p.startsWith("PUBLISH q1") && (p.endsWith(" c") || p.endsWith(" d") || p.endsWith(" e")))
                    .count();
            assertEquals(1, written, "window 2 with a awaiting PUBREC: " + s.written());
            assertEquals(1, log.containing("PUBACK").size(), "the duplicate warned about: " + log.lines());
        }
    }
}
