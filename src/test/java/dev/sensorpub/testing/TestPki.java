package dev.sensorpub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the openssl command line (/usr/bin/openssl), so no key material
 * is checked in and nothing expires in the repository. Valid for two days from creation.
 *
 * <ul>
 *   <li>{@link #caFile()}: the test CA (EC P-256), signs the server and the trusted client certificates</li>
 *   <li>{@link #otherCaFile()}: an unrelated CA, for "wrong CA" tests and untrusted client certificates</li>
 *   <li>{@link #serverCert()} / {@link #serverKey()}: for mosquitto; its only name is DNS:localhost, so
 *       ssl://localhost verifies and ssl://127.0.0.1 is a host name mismatch</li>
 *   <li>client certificates with PKCS#8 keys: EC ({@link #clientCert()}) and RSA ({@link #clientRsaCert()}),
 *       plus one signed by the other CA ({@link #untrustedClientCert()})</li>
 *   <li>the same client keys in the formats Java cannot read: {@link #clientRsaKeyPkcs1()} ("BEGIN RSA PRIVATE
 *       KEY") and {@link #clientEcKeySec1()} ("BEGIN EC PRIVATE KEY")</li>
 * </ul>
 */
public final class TestPki {
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final String DAYS = "2";

    private final Path dir;
    private final List<String> commands = new ArrayList<>();

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Creates every file in {@code dir} (a JUnit @TempDir is ideal). Takes about a second. */
    public static TestPki create(Path dir) {
        if (!Files.isExecutable(OPENSSL)) {
            throw new IllegalStateException(OPENSSL + " is not installed; the TLS tests make their certificates with"
                    + " it. Install it with: apt-get install -y openssl");
        }
        TestPki pki = new TestPki(dir);
        try {
            pki.makeAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test certificates in " + dir, e);
        }
        return pki;
    }

    private void makeAll() throws IOException {
        selfSignedCa("ca", "/CN=sensorpub test CA");
        selfSignedCa("other-ca", "/CN=some other CA");
        signed("server", "/CN=localhost", "ca", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
                "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        signed("client", "/CN=sensorpub-client-ec", "ca", "extendedKeyUsage=clientAuth\n",
                "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        signed("client-rsa", "/CN=sensorpub-client-rsa", "ca", "extendedKeyUsage=clientAuth\n", "rsa:2048");
        signed("untrusted-client", "/CN=stranger", "other-ca", "extendedKeyUsage=clientAuth\n",
                "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        openssl("rsa", "-in", file("client-rsa.key"), "-traditional", "-out", file("client-rsa.pkcs1.key"));
        openssl("ec", "-in", file("client.key"), "-out", file("client.sec1.key"));
    }

    private void selfSignedCa(String name, String subject) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", file(name + ".key"), "-out", file(name + ".pem"), "-days", DAYS, "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void signed(String name, String subject, String ca, String extensions, String... keyType)
            throws IOException {
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
        List<String> request = new ArrayList<>(List.of("req", "-newkey"));
        Collections.addAll(request, keyType);
        request.addAll(List.of("-nodes", "-keyout", file(name + ".key"), "-out", file(name + ".csr"), "-subj", subject));
        openssl(request.toArray(new String[0]));
        openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file(ca + ".pem"), "-CAkey", file(ca + ".key"),
                "-CAcreateserial", "-out", file(name + ".pem"), "-days", DAYS, "-extfile", ext.toString());
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs openssl with these arguments in the PKI directory; public so tests can run a suggested command. */
    public void openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL.toString());
        Collections.addAll(command, arguments);
        commands.add(String.join(" ", command));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }

    /** Every openssl command run so far, in order, for documentation and failure messages. */
    public List<String> commands() {
        return Collections.unmodifiableList(commands);
    }

    public Path dir() {
        return dir;
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path otherCaFile() {
        return dir.resolve("other-ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    public Path clientRsaCert() {
        return dir.resolve("client-rsa.pem");
    }

    public Path clientRsaKey() {
        return dir.resolve("client-rsa.key");
    }

    public Path untrustedClientCert() {
        return dir.resolve("untrusted-client.pem");
    }

    public Path untrustedClientKey() {
        return dir.resolve("untrusted-client.key");
    }

    public Path clientRsaKeyPkcs1() {
        return dir.resolve("client-rsa.pkcs1.key");
    }

    public Path clientEcKeySec1() {
        return dir.resolve("client.sec1.key");
    }
}
