package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BlackHoleProxyTest {
    private static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = MosquittoBroker.startDefault();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void forwardsBytesBothWaysAndCountsThem() throws IOException {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MqttSocket client = new MqttSocket(proxy.port())) {
            byte[] connect = RawPackets.connect("through-proxy");
            client.send(connect);
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, client.receive(4, 5_000), broker.log());
            // The proxy counts after its write returns, so the client may see the bytes first.
            assertEquals(connect.length, settled(proxy::bytesToServer, connect.length));
            assertEquals(4, settled(proxy::bytesToClient, 4));
            assertEquals(1, proxy.connectionsAccepted());
        }
    }

    /** The counter's value once it reached {@code expected}, or after 5 s; bounded either way. */
    private static long settled(java.util.function.LongSupplier counter, long expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counter.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return counter.getAsLong();
    }

    @Test
    void aBlackHoleStopsBytesBothWaysWithoutClosingAndRestoreDeliversThemInOrder() throws IOException {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MqttSocket client = new MqttSocket(proxy.port())) {
            client.send(RawPackets.connect("tunnel"));
            client.receive(4, 5_000);
            long sentBefore = proxy.bytesToServer();

            proxy.blackHole();
            client.send(RawPackets.PINGREQ);
            client.send(RawPackets.PINGREQ);
            assertTrue(client.silentFor(500), "a black hole must deliver nothing: no byte, no FIN, no reset");
            assertEquals(sentBefore, proxy.bytesToServer(), "no byte may reach the broker during the black hole");
            assertEquals(1, proxy.openConnections());

            proxy.restore();
            assertArrayEquals(RawPackets.PINGRESP, client.receive(2, 5_000), "first held PINGREQ answered");
            assertArrayEquals(RawPackets.PINGRESP, client.receive(2, 5_000), "second held PINGREQ answered");
            assertEquals(sentBefore + 4, proxy.bytesToServer());
        }
    }

    @Test
    void newConnectionsDuringABlackHoleHearNothingUntilRestore() throws IOException {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port())) {
            proxy.blackHole();
            try (MqttSocket client = new MqttSocket(proxy.port())) {
                client.send(RawPackets.connect("in-the-tunnel"));
                assertTrue(client.silentFor(300));
                assertEquals(0, proxy.connectionsAccepted());
                proxy.restore();
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void resetClosesEveryConnectionWithATcpReset() throws Exception {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MqttSocket client = new MqttSocket(proxy.port())) {
            client.send(RawPackets.connect("to-be-reset"));
            client.receive(4, 5_000);
            proxy.reset();
            SocketException e = assertThrows(SocketException.class, () -> client.receive(1, 5_000));
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
            assertEquals(0, proxy.openConnections());
            try (MqttSocket again = new MqttSocket(proxy.port())) {
                again.send(RawPackets.connect("after-reset"));
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, again.receive(4, 5_000), "still listening after reset");
            }
        }
    }

    @Test
    void aResetDuringABlackHoleStillResets() throws Exception {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MqttSocket client = new MqttSocket(proxy.port())) {
            client.send(RawPackets.connect("reset-in-tunnel"));
            client.receive(4, 5_000);
            proxy.blackHole();
            proxy.reset();
            assertThrows(SocketException.class, () -> client.receive(1, 5_000));
        }
    }

    @Test
    void closeStopsItsThreadAndClosesItsConnections() throws Exception {
        BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
        MqttSocket client = new MqttSocket(proxy.port());
        client.send(RawPackets.connect("closing"));
        client.receive(4, 5_000);
        proxy.close();
        assertThrows(IOException.class, () -> client.receive(1, 5_000));
        client.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("black-hole-proxy-" + proxy.port())), "proxy thread still alive");
    }
}
