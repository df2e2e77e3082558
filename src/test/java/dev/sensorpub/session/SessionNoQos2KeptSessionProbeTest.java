package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.testing.CapturedLog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A broker without QoS 2 (AWS IoT Core: it closes on a QoS 2 PUBLISH, after answering what came
 * before it), a kept session or not, and a backlog of readings of mixed QoS: the probe costs
 * 2 closes and 2 lines, as the README says, and every reading arrives.
 */
class SessionNoQos2KeptSessionProbeTest {
    @ParameterizedTest(name = "QoS in turn {0}, clean session {1}")
    @CsvSource({"'2', false", "'1,2', false", "'2,1', false", "'1,1,2,0', false", "'1,2', true", "'2,1', true"})
    void aBacklogIsDowngradedAfterTwoClosesAndEveryReadingArrives(String pattern, boolean cleanSession) {
        try (CapturedLog log = new CapturedLog()) {
            ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                    .cleanSession(cleanSession).keepAliveSeconds(10).reconnectDelays(10, 100, 60_000));
            String[] qos = pattern.split(",");
            for (int i = 0; i < 20; i++) {
                s.append("pi/t", "q" + i, Integer.parseInt(qos[i % qos.length]));
            }
            Set<String> delivered = new LinkedHashSet<>();
            int closes = 0;
            for (int link = 0; link < 30 && !s.session.isDrained(); link++) {
                s.connect(link == 0 || cleanSession ? ScriptedSession.CONNACK : ScriptedSession.CONNACK_SESSION_PRESENT);
                int read = 0;
                boolean closed = false;
                for (int round = 0; round < 200 && !closed && !s.session.isDrained(); round++) {
                    s.step(1);
                    List<String> packets = s.written();
                    for (; read < packets.size() && !closed; read++) {
                        String p = packets.get(read);
                        if (p.startsWith("PUBLISH q2")) {
                            s.socket.brokerClosesAfterDelivered();
                            closed = true;
                            closes++;
                        } else if (p.startsWith("PUBLISH q1") || p.startsWith("PUBLISH q0")) {
                            delivered.add(p.substring(p.lastIndexOf(' ') + 1));
                            if (p.startsWith("PUBLISH q1")) {
                                int id = ScriptedSession.idOf(List.of(p), "PUBLISH q1", "");
                                s.socket.deliver(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id});
                            }
                        } else if (p.equals("PINGREQ")) {
                            s.socket.deliver(new byte[] {(byte) 0xD0, 0});
                        }
                    }
                }
                if (closed) {
                    s.step(1);
                }
            }
            assertEquals("20 delivered, 2 closes, 2 lines on QoS 2", delivered.size() + " delivered, " + closes
                    + " closes, " + log.containing("QoS 2").size() + " lines on QoS 2",
                    closes + " closes; " + log.containing("QoS 2"));
        }
    }
}
