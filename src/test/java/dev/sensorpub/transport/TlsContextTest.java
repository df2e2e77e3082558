package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad TLS file stops start-up with a message naming the setting, the file and the fix. */
class TlsContextTest {
    @TempDir
    static Path pkiDir;
    static TestPki pki;
    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() {
        pki = TestPki.create(pkiDir);
    }

    private static String failure(TlsSettings settings) {
        return assertThrows(IllegalArgumentException.class, () -> TlsContext.create(settings)).getMessage();
    }

    private static TlsSettings ca(Path caFile) {
        return new TlsSettings(caFile, null, null, true);
    }

    private static TlsSettings client(Path certFile, Path keyFile) {
        return new TlsSettings(pki.caFile(), certFile, keyFile, true);
    }

    @Test
    void acceptsGoodFilesForEcAndRsaClients() {
        TlsContext.create(client(pki.clientCert(), pki.clientKey()));
        TlsContext.create(client(pki.clientRsaCert(), pki.clientRsaKey()));
        TlsContext.create(TlsSettings.systemTrust());
    }

    @Test
    void aMissingCaFileIsNamed() {
        Path missing = dir.resolve("missing.pem");
        assertEquals("TLS ca-file " + missing + " does not exist", failure(ca(missing)));
    }

    @Test
    void aDirectoryIsNotAPemFile() {
        assertEquals("TLS ca-file " + dir + " is a directory, not a PEM file", failure(ca(dir)));
    }

    @Test
    void aCaFileWithoutCertificatesSaysWhatItFound() throws IOException {
        assertEquals("TLS ca-file " + pki.serverKey() + " contains a '-----BEGIN PRIVATE KEY-----' block but no"
                + " '-----BEGIN CERTIFICATE-----' block", failure(ca(pki.serverKey())));
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("TLS ca-file " + empty + " contains no PEM certificate (expected a '-----BEGIN CERTIFICATE-----'"
                + " block)", failure(ca(empty)));
    }

    @Test
    void aCutShortCertificateIsReported() throws IOException {
        String text = Files.readString(pki.caFile());
        Path cut = Files.writeString(dir.resolve("cut.pem"), text.substring(0, text.length() / 2));
        assertEquals("TLS ca-file " + cut + " certificate #1 has a BEGIN line but no matching END line (file cut short?)",
                failure(ca(cut)));
    }

    @Test
    void aDamagedCertificateIsReportedByNumber() throws IOException {
        String good = Files.readString(pki.caFile());
        String damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        Path file = Files.writeString(dir.resolve("damaged.pem"), good + damaged);
        String message = failure(ca(file));
        assertTrue(message.startsWith("TLS ca-file " + file + " certificate #2 is not a valid X.509 certificate"), message);
    }

    @Test
    void aCaFileMayHoldSeveralCertificatesAndTrustsEachOfThem() throws IOException {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(pki.otherCaFile()) + Files.readString(pki.caFile()));
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(pki.caFile(), pki.serverCert(), pki.serverKey(), false).start();
             TlsTransport transport = new TlsTransport(TlsContext.create(ca(bundle)))) {
            Drive.open(transport, Endpoint.parse("ssl://localhost:" + broker.tlsPort()), 10_000);
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED, Drive.exchange(transport, RawPackets.connect("bundle"), 4,
                    10_000));
        }
    }

    @Test
    void aPkcs1RsaKeyGetsTheConversionCommandAndThatCommandWorks() throws IOException {
        Path pkcs1 = pki.clientRsaKeyPkcs1();
        Path converted = pkcs1.resolveSibling("client-rsa.pkcs1.pkcs8.pem");
        String command = "openssl pkcs8 -topk8 -nocrypt -in " + pkcs1 + " -out " + converted;
        assertEquals("TLS key-file " + pkcs1 + " holds a PKCS#1 RSA key ('BEGIN RSA PRIVATE KEY'), which Java cannot"
                + " read; convert it to PKCS#8 with: " + command + " (then point key-file at the new file)",
                failure(client(pki.clientRsaCert(), pkcs1)));
        pki.openssl(command.substring("openssl ".length()).split(" "));
        TlsContext.create(client(pki.clientRsaCert(), converted));
    }

    @Test
    void aSec1EcKeyGetsTheConversionCommandAndThatCommandWorks() throws IOException {
        Path sec1 = pki.clientEcKeySec1();
        Path converted = sec1.resolveSibling("client.sec1.pkcs8.pem");
        String message = failure(client(pki.clientCert(), sec1));
        assertTrue(message.startsWith("TLS key-file " + sec1 + " holds a SEC1 EC key ('BEGIN EC PRIVATE KEY')"), message);
        String command = "openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out " + converted;
        assertTrue(message.contains(command), message);
        pki.openssl(command.substring("openssl ".length()).split(" "));
        TlsContext.create(client(pki.clientCert(), converted));
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandToDecryptIt() throws IOException {
        Path encrypted = dir.resolve("encrypted.key");
        pki.openssl("pkcs8", "-topk8", "-in", pki.clientKey().toString(), "-out", encrypted.toString(),
                "-passout", "pass:secret");
        String message = failure(client(pki.clientCert(), encrypted));
        assertTrue(message.startsWith("TLS key-file " + encrypted + " holds a password-protected key"), message);
        assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt -in " + encrypted), message);
    }

    @Test
    void swappedCertAndKeyFilesAreCaught() {
        String message = failure(client(pki.clientKey(), pki.clientCert()));
        assertEquals("TLS cert-file " + pki.clientKey() + " contains a '-----BEGIN PRIVATE KEY-----' block but no"
                + " '-----BEGIN CERTIFICATE-----' block", message);
    }

    @Test
    void aCertificateGivenAsKeyFileIsCaught() {
        String message = failure(client(pki.clientCert(), pki.clientCert()));
        assertTrue(message.startsWith("TLS key-file " + pki.clientCert() + " contains a '-----BEGIN CERTIFICATE-----'"
                + " block but no '-----BEGIN PRIVATE KEY-----' block"), message);
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsCaught() {
        assertEquals("TLS key-file " + pki.clientRsaKey() + " does not belong to the certificate in cert-file "
                + pki.clientCert() + " (CN=sensorpub-client-ec)", failure(client(pki.clientCert(), pki.clientRsaKey())));
        assertTrue(failure(client(pki.clientCert(), pki.untrustedClientKey())).contains("does not belong"));
    }

    @Test
    void certFileAndKeyFileComeTogether() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TlsSettings(null, pki.clientCert(), null, true));
        assertEquals("TLS client authentication needs both cert-file and key-file; only cert-file (" + pki.clientCert()
                + ") is set", e.getMessage());
    }

    @Test
    void turningHostNameVerificationOffIsLoggedAsAWarning() {
        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            TlsContext.create(new TlsSettings(pki.caFile(), null, null, false));
            lines = log.lines();
        }
        assertEquals(1, lines.size(), lines.toString());
        // The setting to undo it, and what it lets through, within 80 columns.
        assertEquals("WARN tls mqtt.tls.verify-hostname = false: any trusted cert passes for any broker", lines.get(0));
    }

    @Test
    void aBinaryDerKeyFileGetsAClearMessage() throws IOException {
        Path der = dir.resolve("key.der");
        Files.write(der, new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xFF, 0x00});
        assertEquals("TLS key-file " + der + " contains no PEM private key (expected a '-----BEGIN PRIVATE KEY-----'"
                + " block)", failure(client(pki.clientCert(), der)));
    }
}
