package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactTest {
    @Test
    void masksThePasswordOfAUrlAndKeepsUserHostAndPort() {
        assertEquals("tcp://user:***@host:1883", Redact.passwords("tcp://user:secret@host:1883"));
        assertEquals("ssl://u:***@broker.example/path?x=1", Redact.passwords("ssl://u:p4ss@broker.example/path?x=1"));
    }

    @Test
    void leavesUrlsWithoutAPasswordUntouched() {
        String noUser = "tcp://10.0.0.5:1883";
        assertSame(noUser, Redact.passwords(noUser));
        assertEquals("tcp://user@host:1883", Redact.passwords("tcp://user@host:1883"));
        assertEquals("no url here: a@b c:d", Redact.passwords("no url here: a@b c:d"));
    }

    @Test
    void masksEveryUrlInAText() {
        assertEquals("primary tcp://a:***@h1:1883, fallback ssl://b:***@h2:8883 failed",
                Redact.passwords("primary tcp://a:pw1@h1:1883, fallback ssl://b:pw2@h2:8883 failed"));
    }

    @Test
    void aPasswordWithRawAtSignsSlashesAndColonsIsMaskedWhole() {
        assertEquals("tcp://u:***@host:1883", Redact.passwords("tcp://u:p@s/s:w@host:1883"));
    }

    @Test
    void credentialsEndAtWhitespaceAndQuotes() {
        assertEquals("'tcp://u:***@h' then mail me at x@y",
                Redact.passwords("'tcp://u:pw@h' then mail me at x@y"));
        assertEquals("\"tcp://u:***@h\"", Redact.passwords("\"tcp://u:pw@h\""));
    }

    @Test
    void configurationValuesOfSecretKeysAreMasked() {
        assertEquals(Redact.MASK, Redact.value("mqtt.password", "hunter2"));
        assertEquals(Redact.MASK, Redact.value("tls.key-passphrase", "x"));
        assertEquals(Redact.MASK, Redact.value("cloud.API_TOKEN", "x"));
        assertEquals(Redact.MASK, Redact.value("client-secret", "x"));
        assertEquals("tcp://u:***@h:1883", Redact.value("mqtt.server", "tcp://u:pw@h:1883"));
        assertEquals("garage-pi", Redact.value("mqtt.client-id", "garage-pi"));
        assertEquals("(not set)", Redact.value("mqtt.password", null));
    }

    @Test
    void secretKeyRuleNamesItsWords() {
        assertTrue(Redact.isSecretKey("mqtt.Password"));
        assertFalse(Redact.isSecretKey("mqtt.username"));
        assertFalse(Redact.isSecretKey("tls.ca-file"));
    }
}
