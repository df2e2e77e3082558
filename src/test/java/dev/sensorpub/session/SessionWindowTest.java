package dev.sensorpub.session;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-flight window: slots only for messages that were written, a stuck window is a dead link,
 * answers to a full window are gathered, and QoS 2 counts against the broker's limit until PUBREL.
 */
class SessionWindowTest {
    private static SessionSettings.Builder settings(int window) {
        return SessionSettings.builder("tcp://127.0.0.1:1883", "pi").inflightWindow(window);
    }

    /** Packet ids of the PUBLISH packets written so far, in order. */
    static List<Integer> publishIds(ScriptedSession s) {
        List<Integer> ids = new ArrayList<>();
        for (String p : s.written()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^PUBLISH q[12].* id=(\\d+) ").matcher(p);
            if (m.find()) {
                ids.add(Integer.parseInt(m.group(1)));
            }
        }
        return ids;
    }

    static byte[] acks(int type, List<Integer> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(new byte[] {(byte) (type << 4), 2, (byte) (id >> 8), (byte) id});
        }
        return out.toByteArray();
    }

    @Test
    void aFullWindowPausesForItsAnswersOnceThenWaitsOnTheSocket() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "first", 1);
        s.step(1);
        s.session.await(100);
        assertEquals(List.of("await"), s.socket.waits, "room in the window: wait on the socket");

        for (int i = 0; i < 10; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        assertEquals(3, publishIds(s).size(), "the fourth waits for the pause to end");
        s.socket.waits.clear();
        s.session.await(100);
        s.session.await(100);
        assertEquals(List.of("pause", "await"), s.socket.waits,
                "one pause to gather the answers; with nothing sent since, the socket (an outage is not polled)");
        s.step(1);
        assertEquals(4, publishIds(s).size());
        s.socket.deliver(acks(4, publishIds(s).subList(0, 4)));
        s.step(1);
        s.socket.waits.clear();
        s.session.await(100);
        assertEquals(List.of("pause"), s.socket.waits, "a refill went out: pause again");
    }

    @Test
    void answersOurWriteReleasesAreReadAndRefilledInTheSameRound() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "r0", 1);
        s.append("pi/t", "r1", 1);
        s.append("pi/t", "r2", 1);
        s.step(1);
        s.append("pi/t", "r3", 1);
        s.step(1); // a refill of one message has nothing before it to write: not kept back
        for (int i = 4; i < 12; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        List<Integer> ids = publishIds(s);
        assertEquals(4, ids.size());
        // A broker with Nagle's algorithm sent the first PUBACK and holds the others until a
        // segment of ours acknowledges it: our next write.
        s.socket.deliver(acks(4, ids.subList(0, 1)));
        s.socket.releasedByNextWrite = acks(4, ids.subList(1, 4));
        s.step(1);
        assertEquals(4, s.session.counters().acknowledged(), "the answers that write released were read too");
        assertEquals(4 + 1 + 2, publishIds(s).size(), "one refilled, then three, the last kept back: " + s.written());
    }

    /**
     * mosquitto answers the first PUBLISH of a refill at once and holds the rest of its answers
     * until a segment of ours acknowledges that one. The refill that fills the window keeps its
     * last message back; the next round writes it before reading, so one read takes them all.
     */
    @Test
    void theRefillThatFillsTheWindowKeepsItsLastMessageBackToCarryTheAcknowledgement() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 12; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        List<Integer> ids = publishIds(s);
        assertEquals(3, ids.size(), "the fourth is kept back: " + s.written());
        s.socket.waits.clear();
        s.session.await(100);
        assertEquals(List.of("pause"), s.socket.waits, "kept back for the pause, which it does not prevent");

        s.socket.deliver(acks(4, ids.subList(0, 1)));
        s.socket.releasedByNextWrite = acks(4, ids.subList(1, 3));
        int readsBefore = s.socket.readsWithData;
        s.step(1);
        assertEquals(1, s.socket.readsWithData - readsBefore, "the kept-back write first, then one read took all three");
        assertEquals(3, s.session.counters().acknowledged());
        ids = publishIds(s);
        assertEquals(4 + 2, ids.size(), "the fourth, then a refill of three with its last kept back: " + s.written());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), ids, "in order");
    }

    @Test
    void aMessageKeptBackGoesOutInTheNextRoundWhetherOrNotItPaused() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        assertEquals(3, publishIds(s).size());
        s.step(0);
        assertEquals(4, publishIds(s).size(), "written first thing in the next round");
    }

    /**
     * On a thin link the broker's answers take longer than the longest pause: a message kept
     * back would go out after the pause in a segment of its own, so once the pause has grown to
     * its longest nothing is kept back.
     */
    @Test
    void onALinkSlowerThanTheLongestPauseNothingIsKeptBack() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 200; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        int acked = 0;
        for (int round = 0; round < 40; round++) {
            s.session.await(100); // no answer within the pause
            s.step(1);
            List<Integer> ids = publishIds(s);
            s.socket.deliver(acks(4, ids.subList(acked, acked + 2))); // two answers, long after
            acked += 2;
            s.step(1);
        }
        assertEquals(acked + 4, publishIds(s).size(), "the whole window written, none kept back");
    }

    @Test
    void nothingIsKeptBackWhileTheWindowHasRoom() {
        ScriptedSession s = new ScriptedSession(settings(8));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 5; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        assertEquals(5, publishIds(s).size());
    }

    @Test
    void nothingIsKeptBackBehindBytesTheSocketDidNotTake() {
        ScriptedSession s = new ScriptedSession(settings(4));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 6; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.socket.writeBudget = 10; // a thin uplink: part of the first PUBLISH only
        s.step(1);
        s.socket.waits.clear();
        s.session.await(100);
        assertEquals(List.of("await"), s.socket.waits, "unwritten bytes: wait for the socket, no pause");
        s.socket.writeBudget = Long.MAX_VALUE;
        s.step(1);
        assertEquals(4, publishIds(s).size(), "all of the window written once the socket took it: " + s.written());
    }

    /**
     * mosquitto closes the link once its QoS 2 limit is passed; the DUP resends on the kept
     * session count against it again, so they keep to the halved cap too, in order, and the
     * message its last PUBREC named (past the limit, dropped) is published again, not released.
     */
    @Test
    void afterAClosePastTheBrokersQos2LimitTheResendsKeepToAHalvedCap() {
        ScriptedSession s = new ScriptedSession(settings(64));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 25; i++) {
            s.append("pi/t", "r" + i, 2);
        }
        s.step(1);
        List<Integer> ids = publishIds(s);
        assertEquals(OutboundDelivery.MAX_QOS2_IN_FLIGHT, ids.size());
        s.socket.deliver(acks(5, ids.subList(0, 2)));
        s.step(1);
        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.step(1);
        List<String> packets = s.written();
        assertTrue(packets.contains("PUBREL " + ids.get(0)), packets.toString());
        // mosquitto answers the PUBLISH past its limit with a PUBREC too, then drops it and
        // closes: the last PUBREC before the close is taken back, that message published again.
        assertEquals(ids.subList(1, 11), publishIds(s), "ten DUP resends, the oldest first: " + packets);
        s.socket.deliver(acks(5, ids.subList(1, 4)));
        s.step(1);
        assertEquals(ids.subList(1, 14), publishIds(s), "three PUBRECs, three more: " + s.written());
    }

    @Test
    void aQos2MessageStopsCountingAgainstTheBrokersLimitOnceItsPubrelIsWritten() {
        ScriptedSession s = new ScriptedSession(settings(32));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 25; i++) {
            s.append("pi/t", "r" + i, 2);
        }
        s.step(1);
        List<Integer> ids = publishIds(s);
        assertEquals(OutboundDelivery.MAX_QOS2_IN_FLIGHT, ids.size(), "the broker's limit, not the window");
        s.socket.deliver(acks(5, ids.subList(0, 3)));
        s.step(1);
        List<String> packets = s.written();
        int lastPubrel = packets.lastIndexOf("PUBREL " + ids.get(2));
        assertTrue(lastPubrel > 0, packets.toString());
        assertEquals(OutboundDelivery.MAX_QOS2_IN_FLIGHT + 3, publishIds(s).size(),
                "three PUBRELs written: three more PUBLISHes, each after them on the wire: " + packets);
        int firstNew = -1;
        for (int i = 0; i < packets.size() && firstNew < 0; i++) {
            if (packets.get(i).startsWith("PUBLISH q2 id=" + publishIds(s).get(20) + " ")) {
                firstNew = i;
            }
        }
        assertTrue(firstNew > packets.indexOf("PUBREL " + ids.get(0)), "TCP delivers the PUBREL first: " + packets);
    }

    @Test
    void aRecordThatCannotBeEncodedHoldsNoWindowSlot() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .inflightWindow(1));
            s.connect(ScriptedSession.CONNACK);
            s.append("pi/+", "damaged", 1); // a wildcard in a topic name: the encoder refuses it
            s.append("pi/ok", "fine", 1);
            s.run(3, 1);
            assertTrue(s.written().stream().anyMatch(p -> p.matches("PUBLISH q1 id=\\d+ pi/ok fine")),
                    s.written().toString());
            assertEquals(1, log.containing("cannot be sent").size(), log.lines().toString());
        }
    }

    @Test
    void aWindowWithoutAcknowledgementIsDeadEvenWhileTheBrokerKeepsSending() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(2));
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 5; i++) {
            s.append("pi/t", "r" + i, 1);
        }
        s.step(1);
        s.socket.writable = false; // the broker no longer reads our socket, nor acknowledges
        byte[] packet = new byte[64];
        long start = s.clock.monotonicMillis();
        for (int i = 0; i < 200 && s.session.state() == LinkState.CONNECTED; i++) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            int n = PacketEncoder.encodePublish(packet, 0, Topic.name("cmd/x"), 0, false, false, 0, new byte[] {'1'}, 0, 1);
            burst.write(packet, 0, n);
            s.socket.deliver(burst.toByteArray()); // ... but keeps talking
            s.step(50);
        }
        long tookMillis = s.clock.monotonicMillis() - start;
        assertEquals(1, s.session.counters().deadLinksDetected());
        assertTrue(tookMillis <= 4_100, "dead within two keep alives: " + tookMillis + " ms");
    }
}
