package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketType;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What mosquitto will not do, played by a scripted broker: each misbehaviour closes the link
 * with a reason, and the session comes back with a new connection, never a crash or a hang.
 */
class SessionBadBrokerTest {
    private static final long TIMEOUT = 10_000;

    private static MqttSession session(ScriptedBroker broker) {
        return new MqttSession(SessionSettings.builder(broker.url(), "pi").keepAliveSeconds(30)
                .connectTimeoutMillis(500).maxPacketSize(1024).reconnectDelays(50, 200, 10_000).build(),
                TestQueues.memory(), p -> { });
    }

    /** Accepts a connection and reads its CONNECT. */
    private static ScriptedBroker.Connection acceptConnect(ScriptedBroker broker) throws Exception {
        ScriptedBroker.Connection c = broker.accept(TIMEOUT);
        assertNotNull(c, "the session connected");
        byte[] connect = c.readPacket(TIMEOUT);
        assertEquals(PacketType.CONNECT, ScriptedBroker.packetType(connect));
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "CONNACK remaining length 3,            '',           20 03 00 00 00",
        "CONNACK return code 6,                 '',           20 02 00 06",
        "a packet before CONNACK,               '',           d0 00",
        "PUBLISH with QoS 3,                    20 02 00 00,  36 05 00 01 74 00 01",
        "a CONNECT from the broker,             20 02 00 00,  10 00",
        "PUBREL with wrong flags,               20 02 00 00,  60 02 00 01",
        "a non-minimal remaining length,        20 02 00 00,  d0 80 00",
        "a SUBACK larger than the maximum,      20 02 00 00,  90 ff ff 03",
        "a second CONNACK,                      20 02 00 00,  20 02 00 00",
    })
    void aMalformedOrUnexpectedPacketClosesTheLinkAndTheSessionReconnects(String what, String before, String bad)
            throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = session(broker);
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection first = acceptConnect(broker);
                if (!before.isEmpty()) {
                    first.write(HexFormat.of().parseHex(before.replace(" ", "")));
                }
                first.write(HexFormat.of().parseHex(bad.replace(" ", "")));
                assertTrue(first.awaitClosedByClient(TIMEOUT), what + ": the session closed the link");
                assertTrue(loop.await(() -> session.counters().protocolErrors() == 1, TIMEOUT), what);
                ScriptedBroker.Connection second = acceptConnect(broker);
                second.write(RawPackets.CONNACK_ACCEPTED);
                assertTrue(loop.await(() -> session.state() == LinkState.CONNECTED, TIMEOUT), what + ": back");
            }
        }
    }

    @Test
    void aBrokerThatNeverSendsConnackIsGivenUpOnAfterTheConnectTimeout() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = session(broker);
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection silent = acceptConnect(broker);
                long start = SessionLoop.nowMillis();
                assertTrue(silent.awaitClosedByClient(TIMEOUT));
                long waited = SessionLoop.nowMillis() - start;
                assertTrue(waited >= 400 && waited < 3_000, "closed after " + waited + " ms, timeout is 500 ms");
                assertEquals(1, session.counters().connectFailures());
                acceptConnect(broker).write(RawPackets.CONNACK_ACCEPTED);
                assertTrue(loop.await(() -> session.state() == LinkState.CONNECTED, TIMEOUT));
            }
        }
    }

    @Test
    void aBrokerThatClosesInTheMiddleOfAPacketIsReconnected() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = session(broker);
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection c = acceptConnect(broker);
                c.write(RawPackets.CONNACK_ACCEPTED);
                assertTrue(loop.await(() -> session.state() == LinkState.CONNECTED, TIMEOUT));
                c.write(0x30, 0x10, 0x00); // a PUBLISH announcing 16 bytes, then nothing
                c.closeAbruptly();
                assertTrue(loop.await(() -> session.counters().linkLosses() == 1, TIMEOUT));
                acceptConnect(broker).write(RawPackets.CONNACK_ACCEPTED);
                assertTrue(loop.await(() -> session.counters().connects() == 2, TIMEOUT));
            }
        }
    }

    /** Codes 1, 2 and 4 wait the long delay (max 200 ms here, so at least 100); 3 starts short. */
    @ParameterizedTest(name = "return code {0}")
    @CsvSource({"1, true", "2, true", "3, false", "4, true", "5, true"})
    void aRefusalIsExplainedAndOnlyServerUnavailableIsRetriedSoon(int code, boolean permanent) throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = session(broker);
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection c = acceptConnect(broker);
                c.write(RawPackets.connack(false, code));
                assertTrue(c.awaitClosedByClient(TIMEOUT));
                long refusedAt = SessionLoop.nowMillis();
                assertNotNull(broker.accept(TIMEOUT), "it tries again");
                long retryAfter = SessionLoop.nowMillis() - refusedAt;
                assertEquals(code, session.lastConnackCode());
                if (permanent) {
                    assertTrue(retryAfter >= 90, "code " + code + " retried after only " + retryAfter + " ms");
                } else {
                    assertTrue(retryAfter < 100, "code 3 retried after " + retryAfter + " ms");
                }
            }
        }
    }

    @Test
    void silenceAfterConnackIsADeadLinkFoundWithinOneAndAHalfKeepAlives() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "pi").keepAliveSeconds(1)
                    .reconnectDelays(50, 200, 10_000).build(), TestQueues.memory(), p -> { });
            try (BackgroundLoop loop = new BackgroundLoop(session)) {
                ScriptedBroker.Connection c = acceptConnect(broker);
                c.write(RawPackets.CONNACK_ACCEPTED);
                long connectedAt = SessionLoop.nowMillis();
                byte[] ping = c.readPacket(TIMEOUT);
                assertEquals(PacketType.PINGREQ, ScriptedBroker.packetType(ping), "keep alive asks");
                assertTrue(c.awaitClosedByClient(TIMEOUT));
                long closedAfter = SessionLoop.nowMillis() - connectedAt;
                assertEquals(1, session.counters().deadLinksDetected());
                // The session's own measure (last read to decision) is exact; the test thread's
                // view adds its scheduling delay on a loaded machine, so it only bounds the order.
                long detected = session.counters().lastDeadLinkDetectionMillis();
                assertTrue(detected >= 1_000 && detected <= 1_500 + 100, "dead link found after " + detected
                        + " ms; keep alive 1 s");
                assertTrue(closedAfter < 3_000, "closed after " + closedAfter + " ms");
            }
        }
    }
}
