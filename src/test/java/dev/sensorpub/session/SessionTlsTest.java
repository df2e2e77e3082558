package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import dev.sensorpub.testing.TestPki;
import dev.sensorpub.transport.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session over ssl:// to mosquitto, with certificates made by openssl for this test. */
class SessionTlsTest {
    private static final long TIMEOUT = 15_000;

    @TempDir
    Path dir;

    @Test
    void publishesOverTlsWithTheBrokerVerifiedAgainstACaFile() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(pki.caFile(), pki.serverCert(), pki.serverKey(), false).start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "tls/#", 1, null)) {
            assertDelivered("ssl://localhost:" + broker.tlsPort(),
                    new TlsSettings(pki.caFile(), null, null, true), subscriber);
        }
    }

    @Test
    void publishesOverMutualTlsWithAClientCertificate() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(pki.caFile(), pki.serverCert(), pki.serverKey(), true).start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "tls/#", 1, null)) {
            assertDelivered("ssl://localhost:" + broker.tlsPort(),
                    new TlsSettings(pki.caFile(), pki.clientCert(), pki.clientKey(), true), subscriber);
        }
    }

    @Test
    void aBrokerThatDemandsAClientCertificateIsNotReachedWithout() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(pki.caFile(), pki.serverCert(), pki.serverKey(), true).start()) {
            MqttSession session = new MqttSession(SessionSettings.builder("ssl://localhost:" + broker.tlsPort(), "tls-pi")
                    .tls(new TlsSettings(pki.caFile(), null, null, true)).reconnectDelays(100, 500, 5_000).build(),
                    TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> session.counters().connectFailures() + session.counters().linkLosses() >= 1,
                    TIMEOUT, session));
            assertEquals(0, session.counters().connects());
            session.close();
        }
    }

    private static void assertDelivered(String url, TlsSettings tls, MosquittoSubscriber subscriber) throws Exception {
        MemoryQueue queue = TestQueues.memory();
        MqttSession session = new MqttSession(SessionSettings.builder(url, "tls-pi").keepAliveSeconds(4).tls(tls).build(), queue, p -> { });
        TestQueues.append(queue, "tls/reading", "21.5", 1);
        TestQueues.append(queue, "tls/reading", "21.6", 0);
        assertTrue(runUntil(session::isDrained, TIMEOUT, session), "delivered over TLS");
        assertEquals(List.of("tls/reading 21.5", "tls/reading 21.6"), subscriber.awaitMessages(2, TIMEOUT));
        session.close();
    }
}
