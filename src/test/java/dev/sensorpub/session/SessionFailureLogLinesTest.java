package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.time.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lines an outage writes most often, as a serial console shows them: one line each, the
 * server named once, within 80 characters for a server like 127.0.0.1:1883.
 */
class SessionFailureLogLinesTest {
    private static final byte[] NOT_AUTHORIZED = {0x20, 0x02, 0x00, 0x05};
    private static final byte[] RESERVED_PACKET = {0x00, 0x00};

    private static String onlyWarning(CapturedLog log, String text) {
        List<String> lines = log.containing(text);
        assertEquals(1, lines.size(), log.lines().toString());
        String message = lines.get(0).substring("WARN mqtt ".length());
        assertTrue(message.length() <= 80, message.length() + " characters: " + message);
        return message;
    }

    @Test
    void aRefusedTcpConnectSaysSoOnce() throws IOException, InterruptedException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        ManualClock clock = new ManualClock();
        try (CapturedLog log = new CapturedLog();
             MqttSession session = new MqttSession(SessionSettings.builder("tcp://127.0.0.1:" + port, "pi")
                     .reconnectDelays(1_000, 60_000, 10_000).build(), TestQueues.memory(), p -> { }, clock)) {
            for (int i = 0; i < 200 && log.containing("failed").isEmpty(); i++) {
                clock.advanceMillis(10);
                session.service(clock.monotonicMillis());
                Thread.sleep(5);
            }
            String line = onlyWarning(log, "failed");
            assertTrue(line.matches("connect to 127\\.0\\.0\\.1:" + port + " failed: connection refused; retry in \\d+ ms"),
                    line);
        }
    }

    @Test
    void aRefusalThatWillNotFixItselfNamesServerCodeAndWhatComesNext() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883,tcp://127.0.0.1:1884",
                "pi").reconnectDelays(100, 60_000, 10_000));
        try (CapturedLog log = new CapturedLog()) {
            s.awaitReconnect(0);
            s.socket.deliver(NOT_AUTHORIZED);
            s.step(1);
            assertEquals("127.0.0.1:1883 refused: not authorized (5); next 127.0.0.1:1884",
                    onlyWarning(log, "refused"));
        }
        try (CapturedLog log = new CapturedLog()) {
            s.awaitReconnect(1);
            s.socket.deliver(NOT_AUTHORIZED);
            s.step(1);
            // The round is over: 1883 is next, after the wait, not 1884 again.
            String line = onlyWarning(log, "refused");
            assertTrue(line.matches("127\\.0\\.0\\.1:1884 refused: not authorized \\(5\\); retry all in \\d+ ms"), line);
        }
    }

    @Test
    void aProtocolErrorThatMovesOnSaysItOnce() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883,tcp://127.0.0.1:1884",
                "pi").reconnectDelays(100, 60_000, 10_000));
        s.connect(ScriptedSession.CONNACK);
        try (CapturedLog log = new CapturedLog()) {
            s.socket.deliver(RESERVED_PACKET);
            s.step(1);
            String line = onlyWarning(log, "protocol error");
            assertTrue(line.matches("protocol error: type 0 \\(reserved\\); next 127\\.0\\.0\\.1:1884 in \\d+ ms"),
                    line);
        }
    }
}
