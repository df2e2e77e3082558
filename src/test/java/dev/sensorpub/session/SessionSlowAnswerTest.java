package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One slow PINGRESP (a broker that stalled once, a queue the link built up once) lengthens the
 * answer time of the next PINGREQs; it must not lengthen them for good. Keep alive 10 s.
 */
class SessionSlowAnswerTest {
    private static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private static byte[] puback(int id) {
        return new byte[] {0x40, 0x02, (byte) (id >> 8), (byte) id};
    }

    /** Acknowledges every QoS 1 PUBLISH written since {@code seen}; returns the packets seen now. */
    private static int acknowledgeNew(ScriptedSession s, int seen) {
        List<String> written = s.written();
        for (String p : written.subList(seen, written.size())) {
            if (p.startsWith("PUBLISH q1")) {
                int at = p.indexOf("id=") + 3;
                s.socket.deliver(puback(Integer.parseInt(p.substring(at, p.indexOf(' ', at)))));
            }
        }
        return written.size();
    }

    /**
     * The broker answers one PINGREQ after 4.9 s (just inside the 5 s answer timeout), then
     * acknowledges QoS 1 readings promptly for ten minutes, then goes silent (a tunnel). The
     * outage must be found within 1.5 keep alives of the last packet received, as the README says
     * for a PINGREQ behind messages in flight: a stall ten minutes ago is not a recent answer
     * (kept, twice its 4.9 s would make that 19.8 s).
     */
    @Test
    void aSlowAnswerLongAgoDoesNotDelayFindingAnOutage() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(10).inflightWindow(8).reconnectDelays(1_000, 2_000, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.append("pi/t", "first", 1);
        s.step(1);
        s.run(5_000 / 100, 100); // no answer for half a keep alive: PINGREQ
        assertTrue(s.written().contains("PINGREQ"), s.written().toString());
        s.run(49, 100);
        s.socket.deliver(PINGRESP); // 4.9 s after the PINGREQ left
        int seen = acknowledgeNew(s, 0);
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());

        for (int i = 0; i < 10 * 60 * 10; i++) { // ten minutes, a reading every 100 ms, each acknowledged
            s.append("pi/t", "r" + i, 1);
            s.step(100);
            seen = acknowledgeNew(s, seen);
        }
        s.step(100);
        assertEquals(LinkState.CONNECTED, s.session.state());
        assertEquals(0, s.session.inflightCount());
        assertEquals(1, s.written().stream().filter("PINGREQ"::equals).count(),
                "no PINGREQ while acknowledgements flow");

        long lastHeard = s.clock.monotonicMillis();
        long foundAfter = -1;
        for (int i = 0; i < 400 && foundAfter < 0; i++) { // the tunnel: readings go on, nothing answers
            s.append("pi/t", "t" + i, 1);
            s.step(100);
            if (s.session.state() != LinkState.CONNECTED) {
                foundAfter = s.clock.monotonicMillis() - lastHeard;
            }
        }
        assertTrue(foundAfter > 0 && foundAfter <= 15_000,
                "the outage was found " + foundAfter + " ms after the last packet received (at most 15,000)");
    }
}
