package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MosquittoBrokerTest {

    @Test
    void acceptsAnMqttConnectOnItsLoopbackPort() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault(); MqttSocket client = new MqttSocket(broker.port())) {
            client.send(RawPackets.connect("fixture-1"));
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, client.receive(4, 5_000), broker.log());
            assertEquals("tcp://127.0.0.1:" + broker.port(), broker.url());
        }
    }

    /**
     * What the session relies on when it releases the id of a QoS 2 message that expired before
     * its PUBREC (MQTT 3.1.1, 4.3.3: a receiver answers a PUBREL with PUBCOMP): mosquitto answers a
     * PUBREL for an id it never saw, on a kept session, and keeps the link up.
     */
    @Test
    void answersAPubrelForAnIdItNeverSawWithPubcompAndKeepsTheLink() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault(); MqttSocket client = new MqttSocket(broker.port())) {
            client.send(RawPackets.connectPersistent("released"));
            assertEquals(0x20, client.receive(4, 2_000)[0] & 0xFF, "CONNACK");
            client.send(new byte[] {0x62, 0x02, 0x01, 0x2C}); // PUBREL 300
            assertArrayEquals(new byte[] {0x70, 0x02, 0x01, 0x2C}, client.receive(4, 2_000), "PUBCOMP 300");
            client.send(RawPackets.PINGREQ);
            assertArrayEquals(RawPackets.PINGRESP, client.receive(2, 2_000), "the link is still up");
        }
    }

    @Test
    void capturesItsLogForAssertionMessages() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault(); MqttSocket client = new MqttSocket(broker.port())) {
            client.send(RawPackets.connect("log-me"));
            client.receive(4, 5_000);
            assertTrue(broker.log().contains("log-me"), broker.log());
        }
    }

    @Test
    void restartsOnTheSamePort() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            int port = broker.port();
            broker.stop();
            assertFalse(broker.isRunning());
            assertThrows(ConnectException.class, () -> new MqttSocket(port).close());
            broker.start();
            assertEquals(port, broker.port());
            try (MqttSocket client = new MqttSocket(port)) {
                client.send(RawPackets.connect("after-restart"));
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void withPersistenceKeepsASessionAcrossARestart() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("keeper"));
                assertArrayEquals(RawPackets.connack(false, 0), client.receive(4, 5_000), broker.log());
            }
            broker.stop();
            broker.start();
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("keeper"));
                assertArrayEquals(RawPackets.connack(true, 0), client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void killIsACrashThatLosesWhatWasNotSaved() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("crash-victim"));
                client.receive(4, 5_000);
            }
            broker.kill();
            assertFalse(broker.isRunning());
            broker.start();
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("crash-victim"));
                assertArrayEquals(RawPackets.connack(false, 0), client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void withoutPersistenceForgetsSessionsOnRestart() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("forgotten"));
                client.receive(4, 5_000);
            }
            broker.stop();
            broker.start();
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connectPersistent("forgotten"));
                assertArrayEquals(RawPackets.connack(false, 0), client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void withAPasswordFileRefusesBadPasswordsAndAnonymousClients() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().user("pi", "s3cret").allowAnonymous(false).start()) {
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connect("good", "pi", "s3cret"));
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, client.receive(4, 5_000), broker.log());
            }
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connect("bad", "pi", "wrong"));
                assertArrayEquals(RawPackets.connack(false, 5), client.receive(4, 5_000), broker.log());
            }
            try (MqttSocket client = new MqttSocket(broker.port())) {
                client.send(RawPackets.connect("anonymous"));
                assertArrayEquals(RawPackets.connack(false, 5), client.receive(4, 5_000), broker.log());
            }
        }
    }

    @Test
    void closeStopsTheBrokerAndRemovesItsDirectory() {
        MosquittoBroker broker = MosquittoBroker.startDefault();
        Path directory = broker.configFile().getParent();
        broker.close();
        assertFalse(broker.isRunning());
        assertFalse(Files.exists(directory));
        assertThrows(ConnectException.class, () -> new MqttSocket(broker.port()).close());
    }

    @Test
    void aMissingMosquittoFailsWithTheInstallCommand() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MosquittoBroker.requireInstalled(Path.of("/nonexistent/mosquitto")));
        assertTrue(e.getMessage().contains("apt-get install -y mosquitto"), e.getMessage());
    }
}
