package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class ScriptedBrokerTest {

    @Test
    void readsWholePacketsByTheirFixedHeaderAndWritesRawBytes() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); MqttSocket client = new MqttSocket(broker.port())) {
            byte[] connect = RawPackets.connect("scripted");
            client.send(connect);
            client.send(RawPackets.PINGREQ);
            ScriptedBroker.Connection connection = broker.accept(5_000);
            byte[] first = connection.readPacket(5_000);
            assertArrayEquals(connect, first);
            assertEquals(1, ScriptedBroker.packetType(first));
            assertArrayEquals(RawPackets.PINGREQ, connection.readPacket(5_000));
            connection.write(0x20, 0x02, 0x00, 0x03);
            assertArrayEquals(RawPackets.connack(false, 3), client.receive(4, 5_000));
        }
    }

    @Test
    void readsAPacketWhoseRemainingLengthTakesSeveralBytes() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); MqttSocket client = new MqttSocket(broker.port())) {
            byte[] big = RawPackets.connect("x".repeat(300)); // remaining length 312: two bytes
            client.send(big);
            assertArrayEquals(big, broker.accept(5_000).readPacket(5_000));
        }
    }

    @Test
    void reportsAClientThatSendsNothingInTime() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); MqttSocket client = new MqttSocket(broker.port())) {
            client.send(new byte[] {0x10}); // the first byte of a packet, then nothing
            ScriptedBroker.Connection connection = broker.accept(5_000);
            AssertionError e = assertThrows(AssertionError.class, () -> connection.readPacket(200));
            assertTrue(e.getMessage().contains("no complete packet within 200 ms; got so far: 10"), e.getMessage());
        }
    }

    @Test
    void closeAbruptlySendsAReset() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); MqttSocket client = new MqttSocket(broker.port())) {
            broker.accept(5_000).closeAbruptly();
            assertThrows(SocketException.class, () -> client.receive(1, 5_000));
        }
    }

    @Test
    void seesWhenTheClientClosesAndWhenItStaysConnected() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start()) {
            MqttSocket client = new MqttSocket(broker.port());
            ScriptedBroker.Connection connection = broker.accept(5_000);
            assertFalse(connection.awaitClosedByClient(200));
            client.close();
            assertTrue(connection.awaitClosedByClient(5_000));
        }
    }

    @Test
    void acceptsSeveralConnectionsInTurn() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start();
             MqttSocket first = new MqttSocket(broker.port());
             MqttSocket second = new MqttSocket(broker.port())) {
            first.send(RawPackets.connect("one"));
            second.send(RawPackets.connect("two"));
            assertArrayEquals(RawPackets.connect("one"), broker.accept(5_000).readPacket(5_000));
            assertArrayEquals(RawPackets.connect("two"), broker.accept(5_000).readPacket(5_000));
        }
    }
}
