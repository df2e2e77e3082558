package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PUBLISH a refill keeps back when it takes the window's last slot (see {@link MqttSession}):
 * it is never lost, never reordered, never written after DISCONNECT, and never kept back when
 * nothing else of ours on the wire awaits an answer.
 */
class SessionKeptBackTest {
    private static SessionSettings.Builder settings(int window) {
        return SessionSettings.builder("tcp://127.0.0.1:1883", "pi").inflightWindow(window).cleanSession(false);
    }

    /** "id payload" of every QoS 1 or 2 PUBLISH written on the current connection, dup marked. */
    private static List<String> publishes(ScriptedSession s) {
        List<String> out = new ArrayList<>();
        for (String p : s.written()) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("^PUBLISH q[12]( dup)? id=(\\d+) pi/t (\\S+)$").matcher(p);
            if (m.find()) {
                out.add(m.group(2) + " " + m.group(3) + (m.group(1) != null ? " dup" : ""));
            }
        }
        return out;
    }

    private static byte[] acks(int type, int... ids) {
        return SessionWindowTest.acks(type, java.util.Arrays.stream(ids).boxed().toList());
    }

    @Test
    void aPublishKeptBackWhenTheLinkIsLostGoesOutAgainInOrderOnAKeptSession() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        assertEquals(List.of("1 r0", "2 r1", "3 r2"), publishes(s), "the fourth kept back");
        s.socket.writable = false; // the link died during the pause: the kept-back write goes nowhere
        s.socket.brokerCloses();
        s.step(1);
        assertEquals(LinkState.WAITING, s.session.state());
        s.socket.writable = true;
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.step(1);
        assertEquals(List.of("1 r0 dup", "2 r1 dup", "3 r2 dup", "4 r3 dup"), publishes(s),
                "all four again, in order, with their ids: " + s.written());
        s.socket.deliver(acks(4, 1, 2, 3, 4));
        s.step(1);
        s.step(1);
        assertEquals(List.of("1 r0 dup", "2 r1 dup", "3 r2 dup", "4 r3 dup", "5 r4", "6 r5"), publishes(s));
        s.socket.deliver(acks(4, 5, 6));
        s.step(1);
        assertEquals(6, s.session.counters().acknowledged());
        assertTrue(s.session.isDrained());
    }

    @Test
    void aPublishKeptBackWhenTheLinkIsLostGoesOutAgainInOrderOnANewSession() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        s.socket.writable = false;
        s.socket.brokerCloses();
        s.step(1);
        s.socket.writable = true;
        s.connect(ScriptedSession.CONNACK);
        s.step(1);
        List<String> first = publishes(s);
        assertEquals(List.of("r0", "r1", "r2"),
                first.stream().map(p -> p.split(" ")[1]).toList().subList(0, 3), "oldest first: " + first);
        assertTrue(first.stream().noneMatch(p -> p.endsWith("dup")), "a new session: new messages: " + first);
        int[] ids = first.stream().mapToInt(p -> Integer.parseInt(p.split(" ")[0])).toArray();
        s.socket.deliver(acks(4, ids));
        s.run(3, 1);
        List<String> all = new ArrayList<>();
        for (String p : publishes(s)) {
            all.add(p.split(" ")[1]);
        }
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5"), all, "each once, in order: " + s.written());
    }

    @Test
    void aPublishKeptBackGoesOutBeforeTheDisconnect() {
        ScriptedSession s = new ScriptedSession(settings(4).statusTopic("pi/status"));
        s.connect(ScriptedSession.CONNACK);
        s.socket.deliver(acks(4, 1)); // the birth
        s.step(1);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        assertEquals(3, publishes(s).size(), "kept back: " + s.written());
        assertFalse(s.session.isDrained(), "a kept-back message is not delivered");
        assertFalse(s.session.drainAndDisconnect(0));
        List<String> w = s.written();
        assertEquals("DISCONNECT", w.get(w.size() - 1), w.toString());
        assertEquals(4, publishes(s).size(), "the kept-back PUBLISH went out: " + w);
        // The status has an in-flight slot of its own beyond the window, so it stays QoS 1.
        assertTrue(w.indexOf("PUBLISH q1 r id=6 pi/status offline") > w.indexOf("PUBLISH q1 id=5 pi/t r3"),
                "in the order they were encoded: " + w);
        assertEquals(LinkState.CLOSED, s.session.state());
    }

    @Test
    void aWaitAfterThePauseWatchesTheSocketForWritingWhileAPublishIsKeptBack() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        s.socket.waits.clear();
        s.session.await(100);
        s.session.await(100); // a caller that waits again without a service round
        assertEquals(List.of("pause", "await"), s.socket.waits);
        assertTrue(s.socket.lastAwaitWantedWrite, "a real socket is writable: the wait ends at once");
    }

    /**
     * A window of one holds nothing else in flight: no answer of the broker's waits for the
     * segment that carries it, so keeping it back would only idle the link for a pause.
     */
    @Test
    void aWindowOfOneNeverKeepsItsOnlyMessageBack() {
        ScriptedSession s = new ScriptedSession(settings(1));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "q0", 0);
        s.append("pi/t", "r0", 1);
        s.step(1);
        assertEquals(List.of("1 r0"), publishes(s), "behind a QoS 0 message, still written: " + s.written());
        assertFalse(s.session.isDrained());
    }

    @Test
    void aWindowOfOneAnswersAnInboundPublishWithoutKeepingItsOwnBack() {
        ScriptedSession s = new ScriptedSession(settings(1));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "r0", 1);
        s.step(1);
        s.append("pi/t", "r1", 1);
        // Our PUBACK comes in with a command at QoS 1: its PUBACK goes out before r1.
        s.socket.deliver(acks(4, 1));
        s.socket.deliver(new byte[] {0x32, 8, 0, 3, 'c', '/', 'x', 0, 9, 'o'});
        s.step(1);
        assertEquals(List.of("1 r0", "2 r1"), publishes(s), "r1 written in the same round: " + s.written());
    }

    @Test
    void qos2PubrelsFollowTheKeptBackPublishAndNothingIsLost() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 2);
        }
        s.step(1);
        assertEquals(List.of("1 r0", "2 r1", "3 r2"), publishes(s));
        s.socket.deliver(acks(5, 1, 2, 3));
        s.step(1);
        List<String> w = s.written();
        int kept = w.indexOf("PUBLISH q2 id=4 pi/t r3");
        assertTrue(kept >= 0 && kept < w.indexOf("PUBREL 1"), "the kept-back one first: " + w);
        s.socket.deliver(acks(7, 1, 2, 3));
        s.step(1);
        s.step(1);
        s.socket.deliver(acks(5, 4, 5, 6));
        s.step(1);
        s.socket.deliver(acks(7, 4, 5, 6));
        s.step(1);
        assertEquals(6, s.session.counters().acknowledged(), s.written().toString());
        assertTrue(s.session.isDrained());
    }
}
