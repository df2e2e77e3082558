package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On a thin link a segment's headers (66 bytes) outweigh a QoS 0 reading (18), so the kernel may
 * join small writes while earlier ones await the broker's acknowledgement. The session asks for
 * that while the last loaded QoS 0 proof took {@link MqttSession#THIN_LINK_MILLIS_PER_KILOBYTE} or longer
 * per kilobyte, and not while a QoS 1 or 2 message is in flight (its answers clock our writes
 * already); on a fast link every write leaves at once. The socket hears only changes.
 */
class SessionCoalescingTest {
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5));

    /**
     * {@code readings} QoS 0 readings of 15 bytes go out, and the PINGREQ asked for among them is
     * answered {@code millis} after it left.
     */
    private void qos0ProvenAfter(int readings, long millis) {
        for (int i = 0; i < readings; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.step(1);
        s.session.requestProof();
        s.step(1);
        assertTrue(s.written().contains("PINGREQ"), "a proof was asked: " + s.written());
        s.clock.advanceMillis(millis);
        s.socket.deliver(PINGRESP);
        s.step(0);
    }

    @Test
    void afterASlowLoadedProofQos0ReadingsAreJoinedByTheSocket() {
        s.connect(ScriptedSession.CONNACK);
        assertEquals(List.of(), s.socket.coalesceCalls, "a new connection leaves it off");
        qos0ProvenAfter(35, 210); // 525 bytes in 210 ms: an 8 kbit/s link
        assertEquals(List.of(true), s.socket.coalesceCalls);
        s.append("lab/beat", "2", 0);
        s.step(1);
        assertEquals(List.of(true), s.socket.coalesceCalls, "told once, not per write");
    }

    @Test
    void aLocalBrokerThatProvesAKilobyteAtOnceKeepsEveryWriteLeavingAtOnce() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(35, 1);
        s.append("lab/beat", "2", 0);
        s.step(1);
        assertEquals(List.of(), s.socket.coalesceCalls, "never asked");
    }

    @Test
    void aSlowAnswerBehindAFewBytesIsLatencyNotAThinLink() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(1, 300);
        s.append("lab/beat", "2", 0);
        s.step(1);
        assertEquals(List.of(), s.socket.coalesceCalls);
    }

    @Test
    void aFastLoadedProofAfterASlowOneLetsEveryWriteLeaveAtOnceAgain() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(35, 300);
        qos0ProvenAfter(80, 1); // the budget grew to 1.5 KB: a proof of half of it is loaded
        s.append("lab/beat", "2", 0);
        s.step(1);
        assertEquals(List.of(true, false), s.socket.coalesceCalls);
    }

    @Test
    void aQos1MessageInFlightStopsTheJoiningUntilItsAnswer() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(35, 300);
        s.append("lab/beat", "2", 1);
        s.step(1);
        assertEquals("PUBLISH q1 id=1 lab/beat 2", s.written().get(s.written().size() - 1));
        assertEquals(List.of(true, false), s.socket.coalesceCalls, "it goes out at once");
        s.socket.deliver(new byte[] {0x40, 0x02, 0x00, 0x01}); // PUBACK 1
        s.step(1);
        s.append("lab/beat", "3", 0);
        s.step(1);
        assertEquals(List.of(true, false, true), s.socket.coalesceCalls);
    }

    @Test
    void aNewConnectionStartsWithEveryWriteLeavingAtOnceAndIsToldAgain() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(35, 300);
        s.socket.brokerCloses();
        s.step(1);
        s.clock.advanceMillis(100_000); // no news about the link's speed for 100 s
        s.connect(ScriptedSession.CONNACK);
        s.append("lab/beat", "3", 0);
        s.step(1);
        assertEquals(2, s.socket.opens());
        assertEquals(List.of(true, true), s.socket.coalesceCalls, "the proof measured the link, not the connection");
    }

    /**
     * A slow source is not a thin link: one reading per 100 ms on a link that answers each
     * PINGREQ within 1 ms fills half the proof budget in 3.4 s, and that proof is loaded.
     */
    @Test
    void aSlowSourceOnAFastLinkKeepsEveryWriteLeavingAtOnce() {
        ScriptedSession slow = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(30)); // the default: the quiet link's PINGREQ comes after 15 s
        slow.connect(ScriptedSession.CONNACK);
        long answered = 0;
        for (int i = 0; i < 200; i++) {
            slow.append("lab/beat", "123", 0);
            slow.step(100);
            long asked = slow.written().stream().filter(p -> p.equals("PINGREQ")).count();
            if (asked > answered) {
                answered = asked;
                slow.clock.advanceMillis(1);
                slow.socket.deliver(PINGRESP);
                slow.step(0);
            }
        }
        assertTrue(answered >= 5, "proofs were asked and answered: " + answered);
        // Each proof came once half the budget (35 readings, 525 bytes) was unproven: loaded.
        assertTrue(slow.queue.counters().queuedMessages() < 35, "proven up to the last proof");
        assertEquals(List.of(), slow.socket.coalesceCalls, "never asked");
    }

    @Test
    void aQos1PublishNeverReachesTheSocketWhileSmallWritesAreJoined() {
        s.connect(ScriptedSession.CONNACK);
        qos0ProvenAfter(35, 300);
        int before = s.socket.written().length;
        s.append("lab/beat", "2", 1);
        s.step(1);
        assertEquals("PUBLISH q1 id=1 lab/beat 2", s.written().get(s.written().size() - 1));
        assertEquals(List.of(true, false), s.socket.coalesceCalls);
        assertEquals(before, s.socket.coalescedAfterBytes.get(1), "turned off before the PUBLISH was written");
    }

    @Test
    void theOfflineStatusAndDisconnectAtShutdownLeaveAtOnceOnAThinLink() {
        ScriptedSession thin = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(5).statusTopic("lab/status"));
        thin.connect(ScriptedSession.CONNACK);
        thin.socket.deliver(new byte[] {0x40, 0x02, 0x00, 0x01}); // PUBACK 1: the "online" status
        for (int i = 0; i < 35; i++) {
            thin.append("lab/beat", "123", 0);
        }
        thin.step(1);
        assertTrue(thin.written().contains("PINGREQ"), "a proof was asked: " + thin.written());
        thin.clock.advanceMillis(300); // 525 bytes in 300 ms: a thin link
        thin.socket.deliver(PINGRESP);
        thin.step(0);
        thin.append("lab/beat", "4", 0);
        thin.step(1);
        assertEquals(List.of(true), thin.socket.coalesceCalls, "joined while only QoS 0 flows");
        int before = thin.socket.written().length;

        thin.session.drainAndDisconnect(0);

        List<String> w = thin.written();
        assertEquals("DISCONNECT", w.get(w.size() - 1));
        assertTrue(w.get(w.size() - 2).startsWith("PUBLISH q1") && w.get(w.size() - 2).endsWith("lab/status offline"),
                "the offline status went out: " + w);
        assertEquals(List.of(true, false), thin.socket.coalesceCalls, "the QoS 1 status and DISCONNECT leave at once");
        assertEquals(before, thin.socket.coalescedAfterBytes.get(1), "turned off before they were written");
    }
}
