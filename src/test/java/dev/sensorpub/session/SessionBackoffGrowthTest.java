package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of failure of the one server makes the next attempt wait longer, until a connection
 * stays up for the reset time: a broken broker is never hammered at the shortest delay.
 */
class SessionBackoffGrowthTest {
    private static final int ATTEMPTS = 6;

    /** Plays one failed attempt of {@code kind} on a connection that has just been opened. */
    private static void fail(ScriptedSession s, String kind) {
        switch (kind) {
            case "refused 1", "refused 2", "refused 3", "refused 4", "refused 5" -> {
                s.socket.deliver(new byte[] {0x20, 2, 0, (byte) (kind.charAt(kind.length() - 1) - '0')});
                s.step(1);
            }
            case "closed before CONNACK" -> {
                s.socket.brokerCloses();
                s.step(1);
            }
            case "garbage before CONNACK" -> {
                s.socket.deliver(new byte[] {0x00, 0x00});
                s.step(1);
            }
            case "no CONNACK" -> {
                for (int i = 0; i < 20 && s.session.state() != LinkState.WAITING; i++) {
                    s.step(100);
                }
            }
            case "closed after CONNACK" -> {
                s.socket.deliver(ScriptedSession.CONNACK);
                s.step(1);
                s.socket.brokerCloses();
                s.step(1);
            }
            case "garbage after CONNACK" -> {
                s.socket.deliver(ScriptedSession.CONNACK);
                s.step(1);
                s.socket.deliver(new byte[] {0x00, 0x00});
                s.step(1);
            }
            case "dead after CONNACK" -> {
                s.socket.deliver(ScriptedSession.CONNACK);
                s.step(1);
                for (int i = 0; i < 100 && s.session.state() != LinkState.WAITING; i++) {
                    s.step(100);
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"refused 1", "refused 2", "refused 3", "refused 4", "refused 5", "closed before CONNACK",
        "garbage before CONNACK", "no CONNACK", "closed after CONNACK", "garbage after CONNACK", "dead after CONNACK"})
    void everyKindOfFailureMakesTheNextWaitLonger(String kind) {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(1).connectTimeoutMillis(1_000).reconnectDelays(100, 60_000, 30_000));
        long[] delays = new long[ATTEMPTS];
        for (int i = 0; i < ATTEMPTS; i++) {
            s.awaitReconnect(i);
            assertEquals(i + 1, s.socket.opens());
            fail(s, kind);
            assertEquals(LinkState.WAITING, s.session.state(), kind);
            long now = s.clock.monotonicMillis();
            delays[i] = s.session.nextDeadlineMillis(now) - now;
        }
        assertTrue(delays[ATTEMPTS - 1] >= 1_600, kind + ": 100 ms doubled five times, at least half of it: "
                + Arrays.toString(delays));
    }
}
