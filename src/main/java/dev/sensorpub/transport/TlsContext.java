package dev.sensorpub.transport;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS configuration built once at start-up from {@link TlsSettings}: trusted CAs, the client
 * certificate and key, host name checking. Every file is read and checked here, so a bad file stops
 * the program at start with a clear message instead of failing every connection attempt later.
 */
public final class TlsContext {
    private static final Logger LOG = Log.logger("tls");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** In-memory key store only; the password protects nothing on disk. */
    private static final char[] KEY_STORE_PASSWORD = "sensorpub".toCharArray();

    private final SSLContext sslContext;
    private final boolean verifyHostname;
    private final String[] protocols;
    private final int packetBufferSize;
    private final int applicationBufferSize;

    private TlsContext(SSLContext sslContext, boolean verifyHostname, String[] protocols) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.protocols = protocols;
        SSLSession sizes = sslContext.createSSLEngine().getSession();
        this.packetBufferSize = sizes.getPacketBufferSize();
        this.applicationBufferSize = sizes.getApplicationBufferSize();
    }

    /**
     * Reads and checks every file named in the settings.
     *
     * @throws IllegalArgumentException naming the setting, the file and the problem
     */
    public static TlsContext create(TlsSettings settings) {
        try {
            X509ExtendedTrustManager trust = trustManager(settings.caFile());
            String trustSource = settings.caFile() == null ? "the system trust store" : "ca-file " + settings.caFile();
            KeyManager[] keys = settings.hasClientCertificate()
                    ? keyManagers(settings.certFile(), settings.keyFile()) : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {new ExplainingTrustManager(trust, trustSource)}, null);
            if (!settings.verifyHostname()) {
                // A refused certificate names the trust source; this line needs the setting to undo and the risk.
                LOG.warn("mqtt.tls.verify-hostname = false: any trusted cert passes for any broker");
            }
            return new TlsContext(context, settings.verifyHostname(), PROTOCOLS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Reads every file named in the settings as {@link #create} does, without building a context or
     * logging, so {@code --check} rejects exactly the files the start would.
     *
     * @throws IllegalArgumentException "TLS &lt;setting&gt; &lt;file&gt; &lt;problem&gt;"
     */
    public static void checkFiles(TlsSettings settings) {
        if (settings.caFile() != null) {
            PemFiles.certificates("ca-file", settings.caFile());
        }
        if (settings.hasClientCertificate()) {
            clientKeyPair(settings.certFile(), settings.keyFile());
        }
    }

    /** The same context limited to the given protocol versions; lets tests pin TLS 1.2 or 1.3. */
    TlsContext withProtocols(String... onlyThese) {
        return new TlsContext(sslContext, verifyHostname, onlyThese.clone());
    }

    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** Largest TLS record on the wire; the transport sizes its ciphertext buffers with it. */
    int packetBufferSize() {
        return packetBufferSize;
    }

    /** Largest plaintext one record can carry. */
    int applicationBufferSize() {
        return applicationBufferSize;
    }

    /** A client engine for one connection; SNI and the host name check use the endpoint's host. */
    SSLEngine newEngine(Endpoint endpoint) {
        SSLEngine engine = sslContext.createSSLEngine(endpoint.host(), endpoint.port());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (verifyHostname) {
            // "HTTPS" is the RFC 2818/6125 check: DNS or IP subject alternative names, wildcards in the
            // left-most label only. MQTT has no scheme of its own and brokers issue certificates this way.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static X509ExtendedTrustManager trustManager(Path caFile) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile == null) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = emptyKeyStore();
            List<X509Certificate> cas = PemFiles.certificates("ca-file", caFile);
            for (int i = 0; i < cas.size(); i++) {
                warnIfOutsideValidity("ca-file", caFile, cas.get(i));
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            factory.init(store);
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager) {
                return (X509ExtendedTrustManager) manager;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates("cert-file", certFile);
        PrivateKey key = clientKeyPair(certFile, keyFile);
        warnIfOutsideValidity("cert-file", certFile, chain.get(0));
        KeyStore store = emptyKeyStore();
        store.setKeyEntry("client", key, KEY_STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, KEY_STORE_PASSWORD);
        return factory.getKeyManagers();
    }

    /** The key in {@code keyFile}, checked to belong to the first certificate in {@code certFile}. */
    private static PrivateKey clientKeyPair(Path certFile, Path keyFile) {
        X509Certificate leaf = PemFiles.certificates("cert-file", certFile).get(0);
        PrivateKey key = PemFiles.privateKey("key-file", keyFile);
        if (!belongTogether(key, leaf)) {
            throw PemFiles.bad("key-file", keyFile, "does not belong to the certificate in cert-file " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        return key;
    }

    /** Signs a few bytes with the key and checks them with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            default:
                algorithm = key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign with their own name
        }
        byte[] probe = {'s', 'e', 'n', 's', 'o', 'r', 'p', 'u', 'b'};
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }

    private static void warnIfOutsideValidity(String setting, Path file, X509Certificate certificate) {
        Date now = new Date();
        // The day is enough to act on, and the file names the certificate.
        if (now.after(certificate.getNotAfter())) {
            LOG.warn("TLS " + setting + " " + file + ": expired " + day(certificate.getNotAfter()));
        } else if (now.before(certificate.getNotBefore())) {
            LOG.warn("TLS " + setting + " " + file + ": not valid before " + day(certificate.getNotBefore()));
            LOG.warn("TLS: is the clock set? A Pi without RTC starts in the past until NTP");
        }
    }

    private static String day(Date date) {
        return date.toInstant().toString().substring(0, 10);
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        return store;
    }

    /**
     * Checks the server's chain first on its own and then with the host name, so a failure can say
     * which of the two went wrong ("not trusted by ca-file X" versus "certificate for A does not match
     * host B") instead of the JDK's generic PKIX text.
     */
    private static final class ExplainingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final String trustSource;

        ExplainingTrustManager(X509ExtendedTrustManager delegate, String trustSource) {
            this.delegate = delegate;
            this.trustSource = trustSource;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkChain(chain, authType);
            try {
                delegate.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw new ExplainedCertificateException("certificate for " + names(chain[0]) + " does not match host "
                        + engine.getPeerHost() + " (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkChain(chain, authType);
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checkChain(chain, authType);
        }

        private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
            Date now = new Date();
            for (X509Certificate certificate : chain) {
                String subject = certificate.getSubjectX500Principal().getName();
                if (now.after(certificate.getNotAfter())) {
                    throw new ExplainedCertificateException("broker certificate " + subject + " expired on "
                            + certificate.getNotAfter().toInstant(), null);
                }
                if (now.before(certificate.getNotBefore())) {
                    throw new ExplainedCertificateException("broker certificate " + subject + " is not valid before "
                            + certificate.getNotBefore().toInstant() + "; is the system clock set?", null);
                }
            }
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                String reason = String.valueOf(e.getMessage());
                if (reason.contains("unable to find valid certification path")) {
                    reason = "no chain of signatures leads from it to a CA in there";
                }
                throw new ExplainedCertificateException("broker certificate " + chain[0].getSubjectX500Principal().getName()
                        + " issued by " + chain[chain.length - 1].getIssuerX500Principal().getName()
                        + " is not trusted by " + trustSource + " (" + reason + ")", e);
            }
        }

        private static String names(X509Certificate certificate) {
            List<String> names = new ArrayList<>();
            try {
                Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
                if (alternatives != null) {
                    for (List<?> entry : alternatives) {
                        Object type = entry.get(0);
                        if (type instanceof Integer && ((Integer) type == 2 || (Integer) type == 7)) { // DNS, IP
                            names.add(String.valueOf(entry.get(1)));
                        }
                    }
                }
            } catch (CertificateException unreadable) {
                // Fall back to the subject below.
            }
            return names.isEmpty() ? certificate.getSubjectX500Principal().getName() : String.join(", ", names);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("this is a client: it never checks client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("this is a client: it never checks client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this is a client: it never checks client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** A certificate failure whose message is already fit for the user; the transport shows it as is. */
    static final class ExplainedCertificateException extends CertificateException {
        ExplainedCertificateException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
