package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import dev.sensorpub.testing.TestPki;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a real mosquitto with certificates made at test time by openssl. */
class TlsTransportTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;
    /** Verifies the server, does not ask for a client certificate. */
    static MosquittoBroker broker;
    /** require_certificate true: mutual TLS. */
    static MosquittoBroker mutualBroker;

    @BeforeAll
    static void startBrokers() {
        pki = TestPki.create(pkiDir);
        broker = MosquittoBroker.builder().tls(pki.caFile(), pki.serverCert(), pki.serverKey(), false).start();
        mutualBroker = MosquittoBroker.builder().tls(pki.caFile(), pki.serverCert(), pki.serverKey(), true).start();
    }

    @AfterAll
    static void stopBrokers() {
        if (broker != null) {
            broker.close();
        }
        if (mutualBroker != null) {
            mutualBroker.close();
        }
    }

    private static Endpoint localhost(MosquittoBroker b) {
        return Endpoint.parse("ssl://localhost:" + b.tlsPort());
    }

    private static TlsContext trusting(Path caFile) {
        return TlsContext.create(new TlsSettings(caFile, null, null, true));
    }

    private static byte[] connectAndGetConnack(TlsTransport transport, Endpoint endpoint) throws IOException {
        Drive.open(transport, endpoint, 10_000);
        return Drive.exchange(transport, RawPackets.connect("tls-test"), 4, 10_000);
    }

    @Test
    void verifiesTheBrokerAgainstTheCaFileAndCarriesMqtt() throws IOException {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, localhost(broker)), broker.log());
            assertTrue(transport.isOpen());
        }
    }

    @Test
    void negotiatesTls13WhenBothSidesCan() throws IOException {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            connectAndGetConnack(transport, localhost(broker));
            assertEquals("TLSv1.3", transport.protocol());
        }
    }

    @Test
    void coalescingSmallWritesReachesTheSocketUnderTls() throws IOException {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            connectAndGetConnack(transport, localhost(broker));
            assertTrue(transport.socketOption(StandardSocketOptions.TCP_NODELAY), "off after the handshake");
            transport.coalesceSmallWrites(true);
            assertFalse(transport.socketOption(StandardSocketOptions.TCP_NODELAY), "Nagle on below TLS");
            assertArrayEquals(RawPackets.PINGRESP, Drive.exchange(transport, RawPackets.PINGREQ, 2, 10_000),
                    "records still flow");
        }
    }

    @Test
    void worksOverTls12() throws IOException {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()).withProtocols("TLSv1.2"))) {
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, localhost(broker)));
            assertEquals("TLSv1.2", transport.protocol());
        }
    }

    @Test
    void aBrokerCertificateFromAnotherCaFailsNamingTheCaFile() {
        try (TlsTransport transport = new TlsTransport(trusting(pki.otherCaFile()))) {
            IOException e = assertThrows(IOException.class, () -> connectAndGetConnack(transport, localhost(broker)));
            assertTrue(e.getMessage().startsWith("TLS handshake with localhost:" + broker.tlsPort()
                    + " failed: broker certificate CN=localhost issued by CN=sensorpub test CA is not trusted by ca-file "
                    + pki.otherCaFile()), e.getMessage());
            assertFalse(transport.isOpen());
        }
    }

    @Test
    void theSystemTrustStoreDoesNotTrustTheTestCa() {
        try (TlsTransport transport = new TlsTransport(TlsContext.create(TlsSettings.systemTrust()))) {
            IOException e = assertThrows(IOException.class, () -> connectAndGetConnack(transport, localhost(broker)));
            assertTrue(e.getMessage().contains("is not trusted by the system trust store"), e.getMessage());
        }
    }

    @Test
    void aHostNameMismatchFailsNamingBothNames() {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Endpoint byAddress = Endpoint.parse("ssl://127.0.0.1:" + broker.tlsPort());
            IOException e = assertThrows(IOException.class, () -> connectAndGetConnack(transport, byAddress));
            assertTrue(e.getMessage().startsWith("TLS handshake with 127.0.0.1:" + broker.tlsPort()
                    + " failed: certificate for localhost does not match host 127.0.0.1"), e.getMessage());
        }
    }

    @Test
    void theHostNameOptOutAcceptsTheMismatch() throws IOException {
        TlsContext noHostCheck = TlsContext.create(new TlsSettings(pki.caFile(), null, null, false));
        assertFalse(noHostCheck.verifiesHostname());
        try (CapturedLog log = new CapturedLog(); TlsTransport transport = new TlsTransport(noHostCheck)) {
            Endpoint byAddress = Endpoint.parse("ssl://127.0.0.1:" + broker.tlsPort());
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, byAddress));
            // The chain was checked; only the name in it was not.
            List<String> lines = log.containing(" with 127.0.0.1:" + broker.tlsPort());
            assertEquals(1, lines.size(), log.lines().toString());
            assertTrue(lines.get(0).endsWith(" with 127.0.0.1:" + broker.tlsPort() + "; no name check"), lines.get(0));
        }
    }

    @Test
    void theHostNameOptOutStillRejectsAnUntrustedCa() {
        TlsContext noHostCheck = TlsContext.create(new TlsSettings(pki.otherCaFile(), null, null, false));
        try (TlsTransport transport = new TlsTransport(noHostCheck)) {
            Endpoint byAddress = Endpoint.parse("ssl://127.0.0.1:" + broker.tlsPort());
            IOException e = assertThrows(IOException.class, () -> connectAndGetConnack(transport, byAddress));
            assertTrue(e.getMessage().contains("is not trusted by ca-file"), e.getMessage());
        }
    }

    @Test
    void mutualTlsWorksWithAnEcClientCertificate() throws IOException {
        TlsContext context = TlsContext.create(new TlsSettings(pki.caFile(), pki.clientCert(), pki.clientKey(), true));
        try (TlsTransport transport = new TlsTransport(context)) {
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, localhost(mutualBroker)),
                    mutualBroker.log());
        }
    }

    @Test
    void mutualTlsWorksWithAnRsaClientCertificateOverTls12And13() throws IOException {
        TlsContext context = TlsContext.create(
                new TlsSettings(pki.caFile(), pki.clientRsaCert(), pki.clientRsaKey(), true));
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (TlsTransport transport = new TlsTransport(context.withProtocols(protocol))) {
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, localhost(mutualBroker)),
                        protocol + ": " + mutualBroker.log());
                assertEquals(protocol, transport.protocol());
            }
        }
    }

    /**
     * In TLS 1.3 the client finishes its handshake before the broker checks for a client certificate,
     * so the refusal arrives on the first read; in TLS 1.2 it ends the handshake. Both must say why.
     */
    @Test
    void mutualTlsWithoutAClientCertificateFailsSayingOneIsNeeded() {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()).withProtocols(protocol))) {
                IOException e = assertThrows(IOException.class,
                        () -> connectAndGetConnack(transport, localhost(mutualBroker)), protocol);
                assertTrue(e.getMessage().contains("client certificate (cert-file") || e.getMessage().contains(
                        "set cert-file and key-file"), protocol + ": " + e.getMessage());
            }
        }
    }

    @Test
    void mutualTlsWithAClientCertificateFromAnotherCaFails() {
        TlsContext context = TlsContext.create(
                new TlsSettings(pki.caFile(), pki.untrustedClientCert(), pki.untrustedClientKey(), true));
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (TlsTransport transport = new TlsTransport(context.withProtocols(protocol))) {
                IOException e = assertThrows(IOException.class,
                        () -> connectAndGetConnack(transport, localhost(mutualBroker)));
                assertTrue(e.getMessage().contains("the broker does not accept the client certificate")
                        || e.getMessage().contains("reject the one sent"), protocol + ": " + e.getMessage());
            }
        }
    }

    @Test
    void tlsToAPlainPortFailsWithAHint() {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Endpoint plainPort = Endpoint.parse("ssl://localhost:" + broker.port());
            IOException e = assertThrows(IOException.class, () -> connectAndGetConnack(transport, plainPort));
            assertTrue(e.getMessage().contains("plain tcp:// listener?"), e.getMessage());
        }
    }

    @Test
    void aBrokerThatAcceptsTcpButNeverAnswersTheHandshakeEndsAtTheCallersDeadline() throws IOException {
        try (ScriptedBroker silent = ScriptedBroker.start();
             TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Endpoint endpoint = Endpoint.parse("ssl://localhost:" + silent.port());
            TransportAssertions.assertOpenGivesUpAtTheDeadline(transport, endpoint, 400);
            assertEquals(0x16, silent.accept(1_000).readBytes(1, 1_000)[0], "a TLS handshake record was sent");
        }
    }

    @Test
    void overABlackHoledLinkAwaitKeepsItsTimeoutAndRestoreResumesTheSession() throws IOException {
        try (BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.tlsPort());
             TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED,
                    connectAndGetConnack(transport, Endpoint.parse("ssl://localhost:" + proxy.port())));
            proxy.blackHole();
            assertEquals(2, transport.write(ByteBuffer.wrap(RawPackets.PINGREQ)));
            ByteBuffer reply = ByteBuffer.allocate(2);
            TransportAssertions.assertAwaitSleepsItsTimeout(transport, 300, false);
            assertEquals(0, transport.read(reply));

            proxy.restore();
            Drive.readFully(transport, reply, Drive.deadline(5_000));
            assertArrayEquals(RawPackets.PINGRESP, reply.array());
        }
    }

    @Test
    void aRefusedConnectIsReportedLikeTcp() {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Endpoint nobody = Endpoint.parse("ssl://127.0.0.1:1");
            IOException e = assertThrows(IOException.class, () -> Drive.open(transport, nobody, 5_000));
            assertEquals("connect to 127.0.0.1:1 failed: connection refused", e.getMessage());
        }
    }

    @Test
    void carriesLargeTransfersBothWaysAcrossManyRecords() throws Exception {
        byte[] payload = new byte[300_000];
        new Random(42).nextBytes(payload);
        try (EchoServer echo = EchoServer.tls(pki.serverCert(), pki.serverKey());
             TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Drive.open(transport, Endpoint.parse("ssl://localhost:" + echo.port()), 10_000);
            ByteBuffer out = ByteBuffer.wrap(payload);
            ByteBuffer in = ByteBuffer.allocate(payload.length);
            long deadline = Drive.deadline(30_000);
            // Interleave: the echo server blocks once its send buffer is full, so read while writing.
            while (in.hasRemaining()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + in.position() + " bytes came back in time");
                }
                if (out.hasRemaining()) {
                    transport.write(out);
                }
                int n = transport.read(in);
                if (n < 0) {
                    throw new AssertionError("end of stream after " + in.position() + " bytes");
                }
                if (n == 0) {
                    transport.await(100, out.hasRemaining());
                }
            }
            assertArrayEquals(payload, in.array());
        }
    }

    @Test
    void readsSmallPiecesOfALargeRecord() throws Exception {
        byte[] payload = new byte[10_000];
        new Random(7).nextBytes(payload);
        try (EchoServer echo = EchoServer.tls(pki.serverCert(), pki.serverKey());
             TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Drive.open(transport, Endpoint.parse("ssl://localhost:" + echo.port()), 10_000);
            long deadline = Drive.deadline(10_000);
            Drive.writeAll(transport, ByteBuffer.wrap(payload), deadline);
            ByteBuffer reply = ByteBuffer.allocate(payload.length);
            ByteBuffer small = ByteBuffer.allocate(7);
            while (reply.hasRemaining()) {
                small.clear();
                small.limit(Math.min(7, reply.remaining()));
                Drive.readFully(transport, small, deadline);
                reply.put(small.flip());
            }
            assertArrayEquals(payload, reply.array());
        }
    }

    @Test
    @SuppressWarnings("try") // closing inside the try is what is tested
    void readReturnsMinusOneWhenTheBrokerCloses() throws Exception {
        try (EchoServer echo = EchoServer.tls(pki.serverCert(), pki.serverKey());
             TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            Drive.open(transport, Endpoint.parse("ssl://localhost:" + echo.port()), 10_000);
            assertArrayEquals(new byte[] {9}, Drive.exchange(transport, new byte[] {9}, 1, 10_000));
            echo.close();
            assertEquals(-1, Drive.readUntilEndOfStream(transport, 10_000));
        }
    }

    @Test
    @SuppressWarnings("try") // closing inside the try is what is tested
    void canBeOpenedAgainAfterClose() throws IOException {
        try (TlsTransport transport = new TlsTransport(trusting(pki.caFile()))) {
            for (int round = 0; round < 3; round++) {
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED, connectAndGetConnack(transport, localhost(broker)));
                transport.close();
                assertFalse(transport.isOpen());
                transport.close();
            }
        }
    }
}
