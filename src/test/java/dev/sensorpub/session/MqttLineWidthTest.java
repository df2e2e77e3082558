package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.PacketType;
import org.junit.jupiter.api.Test;

/**
 * The link's lines fit an 80-column serial console after the 38-column header, with realistic
 * worst-case values: a host name like broker.example.com:8883, a 6-digit backoff or timeout, a
 * 5-digit count. Reasons from elsewhere (an exception's words, the keep-alive's verdict) vary;
 * the ones written here are the longest we write.
 */
class MqttLineWidthTest {
    static final int MESSAGE_COLUMNS = 80;
    private static final String HOST = "broker.example.com:8883";
    private static final String OTHER_HOST = "broker2.example.com:8883";
    private static final long DELAY = 600_000;
    /** The largest MQTT remaining length, so the largest inbound PUBLISH a broker can announce. */
    private static final long LARGEST_SIZE = 268_435_455;

    @Test
    void aBrokerCloseNamesTheNextServerAndTheDelayWithin80Columns() {
        fits(BrokerLink.linkLostLine("link lost: " + BrokerLink.CLOSED_MID_PACKET, HOST, DELAY));
        fits(BrokerLink.linkLostLine("link lost: " + BrokerLink.CLOSED_MID_PACKET, null, DELAY));
        fits(BrokerLink.linkLostLine("link dead: no answer for " + DELAY + " ms", OTHER_HOST, DELAY));
        fits(BrokerLink.linkLostLine("protocol error: " + PacketType.name(15), OTHER_HOST, DELAY));
    }

    @Test
    void aFailedConnectNamesBothServersWithin80Columns() {
        fits(BrokerLink.connectFailedLine(HOST, "no connect in " + DELAY + " ms", 0, OTHER_HOST));
        fits(BrokerLink.connectFailedLine(HOST, "no CONNACK in " + DELAY + " ms", DELAY, OTHER_HOST));
        fits(BrokerLink.connectFailedLine(HOST, "no CONNACK in " + DELAY + " ms", DELAY, HOST));
    }

    /** A repeated hint is folded as "99999 more: " and the hint, whole (see the log's console sink). */
    @Test
    void theQos2HintsAfterABrokerCloseFitOnALineOfTheirOwnAlsoFolded() {
        String fold = "99999 more: ";
        fits(fold + BrokerQos2Limits.NO_QOS2_HINT);
        fits(fold + BrokerQos2Limits.AFTER_ANSWER_HINT);
        fits(fold + BrokerQos2Limits.limitHint(65_535));
    }

    @Test
    void aBrokersProtocolSlipsAndTheirCountsFitWithin80Columns() {
        for (int kind = 0; kind < ProtocolWarnings.kinds(); kind++) {
            long number = kind == ProtocolWarnings.OVERSIZED_PUBLISH ? LARGEST_SIZE : 65_535;
            fits(ProtocolWarnings.firstLine(kind, number));
            fits(ProtocolWarnings.countLine(kind, 99_999, 600, number));
        }
    }

    @Test
    void anOversizedPublishSaysItsSizeInBytes() {
        assertTrue(ProtocolWarnings.firstLine(ProtocolWarnings.OVERSIZED_PUBLISH, 300_022).endsWith("(300022 B)"));
        assertTrue(ProtocolWarnings.countLine(ProtocolWarnings.OVERSIZED_PUBLISH, 3, 15, 300_022)
                .endsWith("(last 300022 B)"));
    }

    private static void fits(String message) {
        assertTrue(message.length() <= MESSAGE_COLUMNS, message.length() + " characters: " + message);
    }
}
