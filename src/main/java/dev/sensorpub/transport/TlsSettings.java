package dev.sensorpub.transport;

import java.nio.file.Path;

/**
 * What the user configured for TLS. Every field is optional except the host name check, which is on
 * unless explicitly turned off.
 *
 * @param caFile         PEM file with one or more CA certificates to trust; null trusts the system store
 * @param certFile       PEM file with the client certificate (chain) for mutual TLS; null for none
 * @param keyFile        PEM file with the client's PKCS#8 private key ("BEGIN PRIVATE KEY"); null for none
 * @param verifyHostname false only by explicit user choice: any certificate from a trusted CA is
 *                       then accepted for any host, which lets a man in the middle read everything
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {
    public TlsSettings {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("TLS client authentication needs both cert-file and key-file; only "
                    + (certFile == null ? "key-file (" + keyFile + ")" : "cert-file (" + certFile + ")") + " is set");
        }
    }

    /** Server verified against the system trust store, host name checked, no client certificate. */
    public static TlsSettings systemTrust() {
        return new TlsSettings(null, null, null, true);
    }

    public boolean hasClientCertificate() {
        return certFile != null;
    }
}
