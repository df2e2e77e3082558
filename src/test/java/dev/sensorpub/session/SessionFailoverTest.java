package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts and then fails is left for the next one, and every kind of failure makes
 * the next reconnect wait longer until a connection proves itself.
 */
class SessionFailoverTest {
    private static final byte[] GARBAGE = {0x00, 0x00};

    @Test
    void aServerThatClosesRightAfterConnackIsLeftForTheNext() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1001,tcp://127.0.0.1:1002",
                "pi").reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.socket.brokerCloses();
        s.step(1);
        s.awaitReconnect(1);
        assertEquals(List.of("127.0.0.1:1001", "127.0.0.1:1002"), s.socket.opened);
    }

    @Test
    void aServerThatSendsGarbageAfterConnackIsLeftForTheNext() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1001,tcp://127.0.0.1:1002",
                "pi").reconnectDelays(1, 2, 10_000));
        s.connect(ScriptedSession.CONNACK);
        s.socket.deliver(GARBAGE);
        s.step(1);
        s.awaitReconnect(1);
        assertEquals(List.of("127.0.0.1:1001", "127.0.0.1:1002"), s.socket.opened);
    }

    @Test
    void protocolErrorsMakeTheBackoffGrowEvenAfterLongConnections() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(60).reconnectDelays(100, 60_000, 1_000));
        long[] delays = new long[6];
        for (int i = 0; i < delays.length; i++) {
            s.connect(ScriptedSession.CONNACK);
            s.run(20, 100); // 2 s up: longer than the 1 s that would count as stable
            s.socket.deliver(GARBAGE);
            s.step(1);
            assertEquals(LinkState.WAITING, s.session.state());
            long now = s.clock.monotonicMillis();
            delays[i] = s.session.nextDeadlineMillis(now) - now;
        }
        assertEquals(6, s.session.counters().protocolErrors());
        assertTrue(delays[5] >= 1_600, "100 ms doubled five times, at least half of it: " + java.util.Arrays.toString(delays));
    }
}
