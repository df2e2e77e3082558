package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The retained status ("online" at link-up, "offline" at a clean stop) is QoS 1 whatever the
 * window holds: a broker may discard a retained QoS 0 message (Moquette does), and then the status
 * topic would keep the will's "offline" while the link is up, or "online" after a clean stop.
 * While our QoS 2 fills the broker's in-flight limit (a QoS 1 PUBLISH past it is answered and
 * dropped by mosquitto), the birth waits for room instead, and the "offline" is left to the will.
 */
class SessionStatusQosTest {
    private static SessionSettings.Builder settings() {
        return SessionSettings.builder("tcp://127.0.0.1:1883", "pi").cleanSession(false).keepAliveSeconds(10)
                .inflightWindow(2).statusTopic("pi/status").reconnectDelays(1, 2, 10_000);
    }

    /** Acknowledges the birth, then leaves two QoS 1 readings unacknowledged: the window of 2 is full. */
    private static ScriptedSession withAFullWindow() {
        ScriptedSession s = new ScriptedSession(settings());
        s.connect(ScriptedSession.CONNACK);
        s.socket.deliver(new byte[] {0x40, 2, 0, 1}); // PUBACK for the birth
        s.step(1);
        s.append("pi/t", "r0", 1);
        s.append("pi/t", "r1", 1);
        s.step(1);
        assertEquals(2, s.session.inflightCount(), s.written().toString());
        return s;
    }

    private static List<String> statusPublishes(ScriptedSession s) {
        return s.written().stream().filter(p -> p.startsWith("PUBLISH") && p.contains(" pi/status ")).toList();
    }

    @Test
    void theBirthOnAKeptSessionWithAFullWindowIsStillQos1Retained() {
        ScriptedSession s = withAFullWindow();
        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        List<String> status = statusPublishes(s);
        assertEquals(1, status.size(), s.written().toString());
        assertTrue(status.get(0).matches("PUBLISH q1 r id=\\d+ pi/status online"), status.toString());
    }

    @Test
    void theOfflineStatusAtAStopWithAFullWindowIsStillQos1Retained() {
        ScriptedSession s = withAFullWindow();
        s.session.drainAndDisconnect(0);
        List<String> status = statusPublishes(s);
        assertEquals(2, status.size(), s.written().toString());
        assertTrue(status.get(1).matches("PUBLISH q1 r id=\\d+ pi/status offline"), status.toString());
    }

    /** A QoS 2 reading awaits PUBREC at a broker whose limit is 1 when the link is lost silently. */
    private static ScriptedSession withQos2FillingTheBrokersLimit() {
        return withQos2FillingTheBrokersLimit("tcp://127.0.0.1:1883");
    }

    private static ScriptedSession withQos2FillingTheBrokersLimit(String server) {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder(server, "pi")
                .cleanSession(false).keepAliveSeconds(10).inflightWindow(8).brokerInflightLimit(1)
                .statusTopic("pi/status").reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.socket.deliver(new byte[] {0x40, 2, 0, 1}); // PUBACK for the birth
        s.step(1);
        s.append("pi/t", "r0", 2);
        s.step(1);
        assertEquals(1, s.session.inflightCount(), s.written().toString());
        return s;
    }

    @Test
    void theBirthWaitsWhileOurQos2FillsTheBrokersLimitThenGoesAtQos1() {
        ScriptedSession s = withQos2FillingTheBrokersLimit();
        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        assertEquals(List.of(), statusPublishes(s), "no QoS 0 birth, and no QoS 1 one past the limit");

        s.completeQos2(ScriptedSession.idOf(s.written(), "PUBLISH q2", " r0"));
        s.step(1);
        List<String> status = statusPublishes(s);
        assertEquals(1, status.size(), s.written().toString());
        assertTrue(status.get(0).matches("PUBLISH q1 r id=\\d+ pi/status online"), status.toString());
    }

    @Test
    void anOfflineThatCannotGoAtQos1IsLeftToTheWillWithoutDisconnect() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = withQos2FillingTheBrokersLimit();
            s.session.drainAndDisconnect(0);
            List<String> written = s.written();
            assertEquals(1, statusPublishes(s).size(), "the birth only: " + written);
            assertTrue(written.stream().noneMatch(p -> p.equals("DISCONNECT")), written.toString());
            assertEquals(1, log.containing("without DISCONNECT (will: offline)").size(), log.lines().toString());
        }
    }

    /** The will's line with a realistic host name (see MqttLineWidthTest) fits 80 columns. */
    @Test
    void theLineOfAStopLeftToTheWillFits80ColumnsWithARealisticHost() {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = withQos2FillingTheBrokersLimit("tcp://broker.example.com:8883");
            s.session.drainAndDisconnect(0);
            List<String> lines = log.containing("without DISCONNECT");
            assertEquals(1, lines.size(), log.lines().toString());
            String message = lines.get(0).substring(lines.get(0).indexOf("closed "));
            assertTrue(message.length() <= MqttLineWidthTest.MESSAGE_COLUMNS, message.length() + ": " + message);
        }
    }
}
