package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kept session (clean session off) and the PUBACK of a QoS 1 reading written while our QoS 2
 * awaited PUBREC, read last before the broker closed: that reading is sent again (the broker may
 * have dropped it). Behind it the window is full of readings written on the lost link, which get
 * answers only once they are sent again (DUP). Issue 11: nothing lost, the backlog flows.
 */
class SessionSuspectPubackKeptSessionTest {
    /** At flush rate 0 (the default) the stall was a service() call that never returned. */
    @ParameterizedTest(name = "queue.flush-rate {0}")
    @ValueSource(ints = {100, 0})
    void aSuspectPubackAheadOfAFullWindowOfAKeptSessionDoesNotStopTheBacklog(int flushRate) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> suspectPubackAheadOfAFullWindow(flushRate));
    }

    private static void suspectPubackAheadOfAFullWindow(int flushRate) {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .cleanSession(false).inflightWindow(5).flushRatePerSecond(flushRate).keepAliveSeconds(10)
                    .reconnectDelays(10, 100, 60_000));
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/t", "a", 2);
            s.append("pi/t", "u", 1);
            s.step(1);
            int a = ScriptedSession.idOf(s.written(), "PUBLISH q2", " a");
            int u = ScriptedSession.idOf(s.written(), "PUBLISH q1", " u");
            s.completeQos2(a); // a delivered
            for (String r : List.of("c", "d", "e", "f", "g")) {
                s.append("pi/t", r, 1);
            }
            s.step(1); // the window full: c to g
            s.socket.deliver(new byte[] {0x40, 2, 0, (byte) u}); // PUBACK u, read last
            s.step(1);
            s.socket.brokerCloses();
            s.step(1);
            assertEquals(6, s.queue.counters().queuedMessages(), "u (unproven) and c to g");

            s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
            Set<Integer> answered = new HashSet<>();
            for (int i = 0; i < 300 && s.queue.counters().queuedMessages() > 0; i++) {
                s.pubackQos1(answered);
                s.step(10);
            }
            assertEquals(0, s.queue.counters().queuedMessages(), "after 3 s on the kept session: "
                    + s.written() + "; " + log.containing("window full").size() + " lines 'window full', first "
                    + log.containing("window full").stream().findFirst().orElse("none"));
        }
    }
}
