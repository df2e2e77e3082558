package dev.sensorpub.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM files a broker operator hands out: certificates and PKCS#8 private keys. Every
 * failure is an IllegalArgumentException that names the setting, the file and what is wrong, with the
 * command that fixes it where there is one.
 */
final class PemFiles {
    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    /** Key types a PKCS#8 "BEGIN PRIVATE KEY" block may hold, tried in order. */
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448"};

    private PemFiles() {
    }

    /** All certificates in a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(String setting, Path file) {
        String text = readText(setting, file);
        List<String> blocks = blocks(text, "CERTIFICATE");
        if (blocks.isEmpty()) {
            String found = firstLabel(text);
            throw bad(setting, file, found == null
                    ? "contains no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block)"
                    : "contains a '" + found + "' block but no '-----BEGIN CERTIFICATE-----' block");
        }
        List<X509Certificate> certificates = new ArrayList<>(blocks.size());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < blocks.size(); i++) {
                byte[] der = decode(setting, file, blocks.get(i), "certificate #" + (i + 1));
                try {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                } catch (GeneralSecurityException e) {
                    throw bad(setting, file, "certificate #" + (i + 1) + " is not a valid X.509 certificate: "
                            + e.getMessage());
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
        }
        return certificates;
    }

    /** The one private key in a PEM file, which must be unencrypted PKCS#8 (RSA, EC or EdDSA). */
    static PrivateKey privateKey(String setting, Path file) {
        String text = readText(setting, file);
        String convert = "convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out "
                + pkcs8Name(file) + " (then point " + setting + " at the new file)";
        if (!blocks(text, "RSA PRIVATE KEY").isEmpty()) {
            throw bad(setting, file, "holds a PKCS#1 RSA key ('BEGIN RSA PRIVATE KEY'), which Java cannot read; " + convert);
        }
        if (!blocks(text, "EC PRIVATE KEY").isEmpty()) {
            throw bad(setting, file, "holds a SEC1 EC key ('BEGIN EC PRIVATE KEY'), which Java cannot read; " + convert);
        }
        if (!blocks(text, "ENCRYPTED PRIVATE KEY").isEmpty()) {
            throw bad(setting, file, "holds a password-protected key; sensorpub needs an unencrypted key file readable"
                    + " only by its user (chmod 600); " + convert + "; openssl asks for the password once");
        }
        if (!blocks(text, "OPENSSH PRIVATE KEY").isEmpty()) {
            throw bad(setting, file, "holds an OpenSSH key, not a TLS key; use the key that belongs to cert-file");
        }
        List<String> blocks = blocks(text, "PRIVATE KEY");
        if (blocks.isEmpty()) {
            String found = firstLabel(text);
            throw bad(setting, file, found == null
                    ? "contains no PEM private key (expected a '-----BEGIN PRIVATE KEY-----' block)"
                    : "contains a '" + found + "' block but no '-----BEGIN PRIVATE KEY-----' block;"
                    + " is it the certificate instead of the key?");
        }
        if (blocks.size() > 1) {
            throw bad(setting, file, "contains " + blocks.size() + " private keys; it must hold exactly one");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode(setting, file, blocks.get(0), "private key"));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisType) {
                // Try the next key type; PKCS#8 names the algorithm only by OID.
            }
        }
        throw bad(setting, file, "holds a PKCS#8 private key that is not RSA, EC or EdDSA, or is damaged");
    }

    private static String pkcs8Name(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".pkcs8.pem").toString();
    }

    private static String readText(String setting, Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw bad(setting, file, "is a directory, not a PEM file");
            }
            // ISO-8859-1 maps every byte, so a binary (DER) file gets the "no PEM block" message, not a charset error.
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw bad(setting, file, "does not exist");
        } catch (AccessDeniedException e) {
            throw bad(setting, file, "cannot be read by user '" + System.getProperty("user.name")
                    + "' (permission denied)");
        } catch (IOException e) {
            throw bad(setting, file, "cannot be read: " + e.getMessage());
        }
    }

    /** Base64 bodies of every "-----BEGIN label-----" ... "-----END label-----" block. */
    private static List<String> blocks(String text, String label) {
        String begin = BEGIN + label + DASHES;
        String end = "-----END " + label + DASHES;
        List<String> bodies = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = text.indexOf(begin, from);
            if (start < 0) {
                return bodies;
            }
            int stop = text.indexOf(end, start);
            if (stop < 0) {
                bodies.add(null);
                return bodies;
            }
            bodies.add(text.substring(start + begin.length(), stop));
            from = stop + end.length();
        }
    }

    private static String firstLabel(String text) {
        int start = text.indexOf(BEGIN);
        if (start < 0) {
            return null;
        }
        int stop = text.indexOf(DASHES, start + BEGIN.length());
        return stop < 0 ? null : text.substring(start, stop + DASHES.length());
    }

    private static byte[] decode(String setting, Path file, String body, String what) {
        if (body == null) {
            throw bad(setting, file, what + " has a BEGIN line but no matching END line (file cut short?)");
        }
        try {
            return Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw bad(setting, file, what + " is not valid base64: " + e.getMessage());
        }
    }

    static IllegalArgumentException bad(String setting, Path file, String problem) {
        return new IllegalArgumentException("TLS " + setting + " " + file + " " + problem);
    }
}
