package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PINGREQ that asks for a QoS 0 proof goes behind the whole burst, and never behind more
 * than the unproven-bytes budget plus one message, however many rounds the burst takes to reach
 * the socket.
 */
class SessionQos0ProofBurstTest {
    private static final int READING_BYTES = 15; // PUBLISH lab/beat 123 at QoS 0

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi"));

    @Test
    void aBacklogWrittenOverRoundsTheSocketRefusedAsksOnceBehindAtMostTheBudgetAndOneMessage() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 300; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.socket.writable = false;
        s.run(10, 1);
        s.socket.writable = true;
        s.run(10, 1);

        List<String> w = s.written();
        int ping = w.indexOf("PINGREQ");
        assertTrue(ping > 0, "a proof was asked: " + w);
        assertEquals(ping, w.lastIndexOf("PINGREQ"), "asked once");
        assertEquals(w.size() - 1, ping, "behind the whole burst, nothing after it until its answer");
        long publishes = w.stream().filter(p -> p.startsWith("PUBLISH q0")).count();
        assertTrue(publishes * READING_BYTES >= Qos0Proofs.INITIAL_BUDGET_BYTES, "the budget was filled: " + publishes);
        assertTrue(publishes * READING_BYTES < Qos0Proofs.INITIAL_BUDGET_BYTES + READING_BYTES,
                "at most one message past the budget: " + publishes);
    }

    @Test
    void theResendAfterAReconnectAsksOnceBehindAtMostTheFirstBudgetAndOneMessage() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 300; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.step(1);
        s.socket.brokerCloses(); // the whole burst unproven
        s.step(1);
        s.connect(ScriptedSession.CONNACK);
        s.run(5, 1);

        List<String> w = s.written();
        int ping = w.indexOf("PINGREQ");
        assertTrue(ping > 0, "a proof was asked: " + w);
        assertEquals(w.size() - 1, ping, "asked once, behind the whole resend");
        long publishes = w.stream().filter(p -> p.startsWith("PUBLISH q0")).count();
        assertTrue(publishes * READING_BYTES < Qos0Proofs.INITIAL_BUDGET_BYTES + READING_BYTES,
                "a new connection starts from the first budget: " + publishes);
        assertTrue(publishes * READING_BYTES >= Qos0Proofs.INITIAL_BUDGET_BYTES, "and fills it: " + publishes);
    }

    @Test
    void aSettledBudgetJustOverOneTcpSegmentSendsItsBurstAndPingInOneSegmentWithoutARunt() {
        // Keep alive 5 s, as in the link lab: a PINGREQ waits behind what crosses in 833 ms.
        ScriptedSession lab = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(5));
        lab.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 400; i++) {
            lab.append("lab/beat", "123", 0);
        }
        lab.run(3, 1);
        lab.socket.deliver(PINGRESP); // answered at once: the budget grows by half, to 1,536 bytes
        lab.run(3, 1);
        int growing = lab.written().lastIndexOf("PINGREQ");
        lab.run(75, 10);
        lab.socket.deliver(PINGRESP); // 1.5 KB answered 750 ms after it left: the 16 kbit/s link's pace
        lab.run(3, 1);

        List<String> w = lab.written();
        int settled = w.lastIndexOf("PINGREQ");
        assertTrue(settled > growing, "the third burst asked for a proof: " + w);
        long grownBurst = publishesBetween(w, w.subList(0, growing).lastIndexOf("PINGREQ"), growing)
                * READING_BYTES + 2;
        assertTrue(grownBurst > Qos0Proofs.SEGMENT_BYTES, "while it grew, the whole budget: " + grownBurst);
        long burst = publishesBetween(w, growing, settled) * READING_BYTES + 2; // and its PINGREQ
        assertTrue(burst <= Qos0Proofs.SEGMENT_BYTES, "one segment, not a full one and a runt: " + burst);
        assertTrue(burst > Qos0Proofs.SEGMENT_BYTES - READING_BYTES, "and a full one: " + burst);
    }

    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private static long publishesBetween(List<String> written, int from, int to) {
        return written.subList(from + 1, to).stream().filter(p -> p.startsWith("PUBLISH q0")).count();
    }
}
