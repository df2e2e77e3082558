package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.CapturedLog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A kept session (clean session off) and the PUBACK of a QoS 1 reading written while our QoS 2
 * awaited PUBREC, read last before the broker closed: that reading is sent again (the broker may
 * have dropped it). Behind it the window is full of readings written on the lost link, which get
 * answers only once they are sent again (DUP). Issue 11: nothing lost, the backlog flows.
 */
class SessionSuspectPubackKeptSessionTest {
    @Disabled("defect: the unproven reading lost its slot at its PUBACK and the window is full of the lost link's"
            + " c to g behind it: nothing is written after CONNECT, 310 lines 'record 2 found the in-flight window"
            + " full; resending from the oldest' in 3 s at queue.flush-rate 100; at the default flush-rate 0 one"
            + " service() call never returns (1,360,640 such lines in 1 s); fix in OutboundDelivery (qos2learn)")
    @Test
    void aSuspectPubackAheadOfAFullWindowOfAKeptSessionDoesNotStopTheBacklog() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .cleanSession(false).inflightWindow(5).flushRatePerSecond(100).keepAliveSeconds(10)
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
