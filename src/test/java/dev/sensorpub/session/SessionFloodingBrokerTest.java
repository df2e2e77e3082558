package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketType;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A broker that keeps sending QoS 1 PUBLISH but never reads our socket: once our answers fill
 * the socket, the loop can do nothing until the socket takes bytes again, and must sleep until
 * then (or its next deadline), not spin on the unread bytes it has no room to answer.
 */
class SessionFloodingBrokerTest {
    private static final long TIMEOUT = 10_000;

    @Test
    void aBrokerThatFloodsButNeverReadsDoesNotMakeTheLoopSpin() throws Exception {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "pi").keepAliveSeconds(60)
                    .connectTimeoutMillis(2_000).reconnectDelays(50, 200, 10_000).build(), TestQueues.memory(),
                    p -> { });
            ScriptedBroker.Connection[] connection = new ScriptedBroker.Connection[1];
            Thread flood = new Thread(() -> {
                try {
                    ScriptedBroker.Connection c = broker.accept(TIMEOUT);
                    connection[0] = c;
                    assertEquals(PacketType.CONNECT, ScriptedBroker.packetType(c.readPacket(TIMEOUT)));
                    c.write(RawPackets.CONNACK_ACCEPTED);
                    byte[] burst = new byte[9 * 1_000];
                    for (int i = 0; i < 1_000; i++) { // PUBLISH QoS 1, topic "c", id i+1, payload "x"
                        int id = i + 1;
                        System.arraycopy(new byte[] {0x32, 0x07, 0x00, 0x01, 'c', (byte) (id >> 8), (byte) id, 'x', 'y'},
                                0, burst, 9 * i, 9);
                    }
                    for (int round = 0; round < 100_000; round++) {
                        c.write(burst); // blocks once the client stops reading
                    }
                } catch (IOException | AssertionError e) {
                    // the session closed the link: the flood is over
                }
            }, "flooding-broker");
            flood.setDaemon(true);
            flood.start();
            try {
                long start = SessionLoop.nowMillis();
                long turnsAtMeasure = -1;
                long turns = 0;
                long measureFrom = start + 3_000;
                long end = start + 5_000;
                while (SessionLoop.nowMillis() < end) {
                    long now = SessionLoop.nowMillis();
                    if (turnsAtMeasure < 0 && now >= measureFrom) {
                        turnsAtMeasure = turns;
                    }
                    session.service(now);
                    session.await(Math.max(0, Math.min(session.nextDeadlineMillis(now), now + 100) - now));
                    turns++;
                }
                assertEquals(LinkState.CONNECTED, session.state(), "within the keep alive the link stays up");
                long spun = turns - turnsAtMeasure;
                System.out.printf("flooding broker: %d turns of the loop in 2 s%n", spun);
                assertTrue(spun < 1_000, spun + " turns of the loop in 2 s with nothing it could do");
            } finally {
                session.close();
                flood.interrupt();
            }
        }
    }
}
