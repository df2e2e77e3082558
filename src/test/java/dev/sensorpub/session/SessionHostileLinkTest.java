package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session attacked the way a thin radio link, a quirky broker or a stepped clock would:
 * each test names the attack and what must still hold.
 */
class SessionHostileLinkTest {

    private static List<String> publishes(ScriptedSession s) {
        List<String> out = new ArrayList<>();
        for (String p : s.written()) {
            if (p.startsWith("PUBLISH")) {
                out.add(p);
            }
        }
        return out;
    }

    private static byte[] puback(int id) {
        return new byte[] {0x40, 0x02, (byte) (id >> 8), (byte) id};
    }

    @Test
    void aFullWindowResentToANewSessionAfterTheBirthTookASlotIsSentOnceInOrder() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .cleanSession(false).inflightWindow(4).statusTopic("pi/status").reconnectDelays(1, 2, 10_000));
            s.connect(ScriptedSession.CONNACK);
            s.socket.deliver(puback(1)); // the birth
            for (int i = 1; i <= 4; i++) {
                s.append("pi/t", "r" + i, 1);
            }
            s.run(3, 1);
            assertEquals(4, s.session.inflightCount(), s.written().toString());

            s.socket.brokerCloses(); // the broker restarts and forgets our session
            s.step(1);
            s.connect(ScriptedSession.CONNACK);
            s.run(5, 1);

            List<String> sent = publishes(s);
            assertEquals(4, sent.size(), "the birth took a slot: r4 waits for the window, nothing goes out twice; "
                    + sent.subList(0, Math.min(8, sent.size())));
            assertEquals(List.of("PUBLISH q1 r id=6 pi/status online", "PUBLISH q1 id=7 pi/t r1",
                    "PUBLISH q1 id=8 pi/t r2", "PUBLISH q1 id=9 pi/t r3"), sent);
            assertEquals(List.of(), log.containing("found the in-flight window full"));
            s.socket.deliver(puback(6));
            s.run(2, 1);
            assertEquals(List.of("PUBLISH q1 id=10 pi/t r4"), publishes(s).subList(4, publishes(s).size()));
        }
    }

    @Test
    void aQos0RecordBeforeAWindowOfKeptMessagesIsResentAtOnceNotBlockedBehindIt() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).inflightWindow(2).reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "r1", 0);
        s.append("pi/t", "r2", 1);
        s.append("pi/t", "r3", 1);
        s.run(2, 1);
        assertEquals(2, s.session.inflightCount());

        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.run(2, 1);
        assertEquals(List.of("PUBLISH q0 pi/t r1", "PUBLISH q1 dup id=1 pi/t r2", "PUBLISH q1 dup id=2 pi/t r3"),
                publishes(s), "the kept window is acknowledged only once resent: nothing may wait for it");
    }

    @Test
    void aBrokerThatKeepsSendingButNeverReadsUsIsDeadAlsoForQos0() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(2).reconnectDelays(1_000, 2_000, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.socket.writable = false; // from now on the broker reads nothing of ours
        byte[] command = {0x30, 0x06, 0x00, 0x03, 'c', 'm', 'd', 'x'}; // QoS 0: needs no answer
        long connectedFor = 0;
        for (int i = 0; i < 600 && s.session.state() == LinkState.CONNECTED; i++) {
            s.append("pi/t", "r" + i, 0);
            s.socket.deliver(command);
            s.step(50);
            connectedFor += 50;
        }
        assertTrue(connectedFor <= 3 * 2_000, "QoS 0 readings never proven, yet the link stayed up for "
                + connectedFor + " ms (keep alive 2 s)");
    }
}
