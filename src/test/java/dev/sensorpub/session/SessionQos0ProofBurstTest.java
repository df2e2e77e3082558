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
    void aBudgetJustOverOneTcpSegmentSendsItsBurstAndPingInOneSegmentWithoutARunt() {
        s.connect(ScriptedSession.CONNACK);
        for (int i = 0; i < 300; i++) {
            s.append("lab/beat", "123", 0);
        }
        s.run(3, 1);
        int firstPing = s.written().indexOf("PINGREQ");
        assertTrue(firstPing > 0, "the first burst asked for a proof: " + s.written());
        s.socket.deliver(new byte[] {(byte) 0xD0, 0x00}); // answered at once: the budget grows by half
        s.run(3, 1);

        List<String> w = s.written();
        int secondPing = w.lastIndexOf("PINGREQ");
        assertTrue(secondPing > firstPing, "the second burst asked for a proof: " + w);
        long publishes = w.subList(firstPing + 1, secondPing).stream().filter(p -> p.startsWith("PUBLISH q0")).count();
        long burst = publishes * READING_BYTES + 2; // and its PINGREQ
        assertTrue(burst <= Qos0Proofs.SEGMENT_BYTES, "one segment, not a full one and a runt: " + burst);
        assertTrue(burst > Qos0Proofs.SEGMENT_BYTES - READING_BYTES, "and a full one: " + burst);
    }
}
