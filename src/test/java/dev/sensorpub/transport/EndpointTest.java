package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @Test
    void parsesPlainTcpWithPort() {
        Endpoint e = Endpoint.parse("tcp://broker.local:1884");
        assertFalse(e.isTls());
        assertEquals("broker.local", e.host());
        assertEquals(1884, e.port());
        assertEquals("tcp://broker.local:1884", e.toString());
    }

    @Test
    void parsesSslWithPort() {
        Endpoint e = Endpoint.parse("ssl://a1b2c3-ats.iot.eu-west-1.amazonaws.com:8883");
        assertTrue(e.isTls());
        assertEquals("a1b2c3-ats.iot.eu-west-1.amazonaws.com", e.host());
        assertEquals(8883, e.port());
    }

    @Test
    void usesDefaultPorts1883And8883() {
        assertEquals(1883, Endpoint.parse("tcp://broker").port());
        assertEquals(8883, Endpoint.parse("ssl://broker").port());
        assertEquals(8883, Endpoint.parse("ssl://broker/").port());
    }

    @Test
    void parsesIpv6LiteralsInBrackets() {
        Endpoint e = Endpoint.parse("ssl://[::1]:8884");
        assertEquals("::1", e.host());
        assertEquals(8884, e.port());
        assertEquals("[::1]:8884", e.hostAndPort());
        assertEquals("ssl://[::1]:8884", e.toString());
        assertEquals(1883, Endpoint.parse("tcp://[fe80::1]").port());
    }

    @Test
    void acceptsUpperCaseSchemesAndSurroundingBlanks() {
        assertTrue(Endpoint.parse("  SSL://broker:1 ").isTls());
    }

    @Test
    void equalsIgnoresHostCase() {
        assertEquals(Endpoint.parse("tcp://Broker:1883"), Endpoint.parse("tcp://broker"));
        assertEquals(Endpoint.parse("tcp://Broker:1883").hashCode(), Endpoint.parse("tcp://broker").hashCode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "broker:1883               | has no scheme: write tcp://broker:1883 or ssl://broker:1883",
        "mqtts://broker:8883       | has unknown scheme 'mqtts': use tcp:// (plain) or ssl:// (TLS)",
        "tcp://:1883               | has no host name",
        "tcp://broker:             | has port ''; expected a number from 1 to 65535",
        "tcp://broker:0            | has port 0; expected a number from 1 to 65535",
        "tcp://broker:65536        | has port 65536; expected a number from 1 to 65535",
        "tcp://broker:1883/topic   | contains '/': only host and port are allowed (no path or query)",
        "tcp://::1:1883            | looks like an IPv6 address without brackets: write tcp://[::1:1883]:port",
        "tcp://[::1:1883           | opens '[' for an IPv6 address but never closes it with ']'",
        "tcp://[::1]x              | has 'x' after the IPv6 address; expected ':port'",
        "tcp://[broker]:1883       | has '[broker]', which is not an IPv6 address",
        "tcp://bro ker:1883        | has character ' ' in host name 'bro ker'",
    })
    void rejectsBadUrlsNamingTheProblem(String url, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(url));
        assertEquals("broker URL '" + url + "' " + problem, e.getMessage());
    }

    @Test
    void aPortThatIsNotANumberIsNotRepeatedForItMayBeAPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoint.parse("tcp://bob:hunter2"));
        assertEquals("broker URL 'tcp://bob:...' has a port that is not a number (not shown); expected a number "
                + "from 1 to 65535, and user info goes in mqtt.username and mqtt.password", e.getMessage());
    }

    @Test
    void rejectsAnEmptyUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(" "));
        assertEquals("broker URL is empty: write tcp://host:port or ssl://host:port", e.getMessage());
    }

    @Test
    void anIpv6ZoneIsKeptForTheSocket() {
        Endpoint e = Endpoint.parse("tcp://[fe80::1%eth0]:1883");
        assertEquals("fe80::1%eth0", e.host());
        assertEquals("tcp://[fe80::1%eth0]:1883", e.toString());
        assertEquals(e, Endpoint.parse("tcp://[fe80::1%25eth0]:1883"), "RFC 6874 spelling");
        assertEquals(e, Endpoint.parse(e.toString()), "what toString gives parses back to the same broker");
    }

    @Test
    void aHostNameMayHoldAnUnderscoreAsDockerServiceNamesDo() {
        assertEquals("mqtt_broker", Endpoint.parse("tcp://mqtt_broker:1883").host());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp://[fe80::1%]:1883      | has an empty zone after '%'; write the interface, e.g. [fe80::1%eth0]",
        "tcp://[fe80::1%e/0]:1883   | contains '/': only host and port are allowed (no path or query)",
        "tcp://[fe80::1%e*0]:1883   | has character '*' in zone 'e*0'; expected an interface name",
    })
    void rejectsBadZones(String url, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(url));
        assertEquals("broker URL '" + url + "' " + problem, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp://user:s3cret@broker:1883 | tcp://...@broker:1883",
        "user:s3cret@broker            | ...@broker",
        "tcp://u:s3cret@x@broker/p     | tcp://...@broker/p",
    })
    void userInfoIsRejectedWithoutRepeatingIt(String url, String shown) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(url));
        assertEquals("broker URL '" + shown + "' has user info before '@' (not shown): put the user in "
                + "mqtt.username and the password in mqtt.password", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }
}
