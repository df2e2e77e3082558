package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected bytes are written out by hand from the MQTT 3.1.1 specification's packet layouts. */
class PacketEncoderTest {
    private static final byte[] HI = "hi".getBytes(StandardCharsets.US_ASCII);
    private static final Topic A_B = Topic.name("a/b");

    private final byte[] buffer = new byte[256];

    private String encoded(int offset, int length) {
        return Hex.of(buffer, offset, length);
    }

    @Test
    void connectWithClientIdCleanSessionAndKeepAlive() {
        ConnectPacket c = ConnectPacket.builder("pi").cleanSession(true).keepAliveSeconds(10).build();
        int n = PacketEncoder.encodeConnect(buffer, 0, c);
        assertEquals("10 0e 00 04 4d 51 54 54 04 02 00 0a 00 02 70 69", encoded(0, n));
        assertEquals(PacketEncoder.connectSize(c), n);
    }

    @Test
    void connectWithWillUserNameAndPasswordSetsEveryFlag() {
        ConnectPacket c = ConnectPacket.builder("c").cleanSession(false).keepAliveSeconds(60)
                .userName("u").password(new byte[] {'p'})
                .will(Topic.name("s"), "off".getBytes(StandardCharsets.US_ASCII), 1, true)
                .build();
        int n = PacketEncoder.encodeConnect(buffer, 3, c);
        // flags 0xec = user name, password, will retain, will QoS 1, will; clean session off
        assertEquals("10 1b 00 04 4d 51 54 54 04 ec 00 3c 00 01 63 00 01 73 00 03 6f 66 66 00 01 75 00 01 70",
                encoded(3, n));
        assertEquals(PacketEncoder.connectSize(c), n);
    }

    @Test
    void connectDescriptionNeverShowsThePassword() {
        ConnectPacket c = ConnectPacket.builder("c").userName("u")
                .password("s3cret".getBytes(StandardCharsets.US_ASCII)).build();
        assertTrue(c.toString().contains("password set"), c.toString());
        assertTrue(!c.toString().contains("s3cret"), c.toString());
    }

    @Test
    void connectOptionsThatMqttForbidsAreRefusedWithTheReason() {
        assertMessage("password needs a user name",
                () -> ConnectPacket.builder("c").password(new byte[] {1}).build());
        assertMessage("only with clean session",
                () -> ConnectPacket.builder("").cleanSession(false).build());
        assertMessage("keep alive 65536 s",
                () -> ConnectPacket.builder("c").keepAliveSeconds(65_536).build());
        assertMessage("will QoS 3",
                () -> ConnectPacket.builder("c").will(Topic.name("w"), new byte[0], 3, false).build());
        assertMessage("is a filter",
                () -> ConnectPacket.builder("c").will(Topic.filter("w/#"), new byte[0], 0, false).build());
        assertMessage("client id",
                () -> ConnectPacket.builder("a\u0000").build());
    }

    @Test
    void anEmptyClientIdIsAllowedWithCleanSession() {
        ConnectPacket c = ConnectPacket.builder("").cleanSession(true).keepAliveSeconds(0).build();
        int n = PacketEncoder.encodeConnect(buffer, 0, c);
        assertEquals("10 0c 00 04 4d 51 54 54 04 02 00 00 00 00", encoded(0, n));
    }

    @Test
    void publishQos0HasNoPacketId() {
        int n = PacketEncoder.encodePublish(buffer, 0, A_B, 0, false, false, 0, HI, 0, 2);
        assertEquals("30 07 00 03 61 2f 62 68 69", encoded(0, n));
        assertEquals(PacketEncoder.publishSize(3, 2, 0), n);
    }

    @Test
    void publishQos1WithDupAndRetainCarriesItsFlagsAndPacketId() {
        int n = PacketEncoder.encodePublish(buffer, 0, A_B, 1, true, true, 10, HI, 0, 2);
        assertEquals("3b 09 00 03 61 2f 62 00 0a 68 69", encoded(0, n));
        assertEquals(PacketEncoder.publishSize(3, 2, 1), n);
    }

    @Test
    void publishQos2() {
        int n = PacketEncoder.encodePublish(buffer, 0, A_B, 2, false, false, 0xABCD, HI, 0, 2);
        assertEquals("34 09 00 03 61 2f 62 ab cd 68 69", encoded(0, n));
    }

    @Test
    void publishWithAnEmptyPayloadIsValid() {
        int n = PacketEncoder.encodePublish(buffer, 0, A_B, 0, false, true, 0, HI, 0, 0);
        assertEquals("31 05 00 03 61 2f 62", encoded(0, n));
    }

    @Test
    void publishTakesTopicAndPayloadFromTheMiddleOfLargerArrays() {
        byte[] record = "xxa/byyhizz".getBytes(StandardCharsets.US_ASCII);
        int n = PacketEncoder.encodePublish(buffer, 5, record, 2, 3, 0, false, false, 0, record, 7, 2);
        assertEquals("30 07 00 03 61 2f 62 68 69", encoded(5, n));
    }

    @Test
    void publishHeaderLeavesThePayloadToTheCaller() {
        int n = PacketEncoder.encodePublishHeader(buffer, 0, A_B.bytes(), 0, 3, 1, false, false, 7, 2);
        assertEquals("32 09 00 03 61 2f 62 00 07", encoded(0, n));
        assertEquals(PacketEncoder.publishHeaderSize(3, 2, 1), n);
    }

    /** Topic "t" (1 byte) and QoS 0: remaining length = 2 + 1 + payload. */
    @ParameterizedTest
    @CsvSource({
        "127,       7f",
        "128,       80 01",
        "16383,     ff 7f",
        "16384,     80 80 01",
        "2097151,   ff ff 7f",
        "2097152,   80 80 80 01",
        "268435455, ff ff ff 7f",
    })
    void remainingLengthUsesTheShortestEncodingAtEveryBoundary(int remainingLength, String lengthBytes) {
        int payloadLength = remainingLength - 3;
        int n = PacketEncoder.encodePublishHeader(buffer, 0, new byte[] {'t'}, 0, 1, 0, false, false, 0, payloadLength);
        assertEquals("30 " + lengthBytes + " 00 01 74", encoded(0, n));
        assertEquals(1 + lengthBytes.split(" ").length + remainingLength,
                PacketEncoder.publishSize(1, payloadLength, 0));
    }

    @Test
    void remainingLengthZeroIsOneByte() {
        assertEquals("c0 00", encoded(0, PacketEncoder.encodePingreq(buffer, 0)));
        assertEquals("e0 00", encoded(0, PacketEncoder.encodeDisconnect(buffer, 0)));
    }

    @Test
    void aPublishBeyondTheMqttMaximumIsRefused() {
        assertMessage("exceeds the MQTT maximum of 268435455",
                () -> PacketEncoder.publishSize(1, 268_435_455 - 2, 0));
    }

    @Test
    void acknowledgementsUseTheirTypeAndPubrelItsFixedFlags() {
        assertEquals("40 02 00 0a", encoded(0, PacketEncoder.encodePuback(buffer, 0, 10)));
        assertEquals("50 02 01 00", encoded(0, PacketEncoder.encodePubrec(buffer, 0, 256)));
        assertEquals("62 02 ff ff", encoded(0, PacketEncoder.encodePubrel(buffer, 0, 65_535)));
        assertEquals("70 02 00 01", encoded(0, PacketEncoder.encodePubcomp(buffer, 0, 1)));
    }

    @Test
    void subscribeListsEachFilterWithItsQos() {
        Topic[] filters = {Topic.filter("a/#"), Topic.filter("b")};
        int n = PacketEncoder.encodeSubscribe(buffer, 0, 1, filters, new int[] {1, 0}, 2);
        assertEquals("82 0c 00 01 00 03 61 2f 23 01 00 01 62 00", encoded(0, n));
        assertEquals(PacketEncoder.subscribeSize(filters, 2), n);
    }

    @Test
    void unsubscribeListsEachFilter() {
        Topic[] filters = {Topic.filter("a/#"), Topic.filter("b")};
        int n = PacketEncoder.encodeUnsubscribe(buffer, 0, 2, filters, 2);
        assertEquals("a2 0a 00 02 00 03 61 2f 23 00 01 62", encoded(0, n));
        assertEquals(PacketEncoder.unsubscribeSize(filters, 2), n);
    }

    @Test
    void aBufferThatIsTooSmallIsAClearErrorAndNothingIsWritten() {
        byte[] small = new byte[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PacketEncoder.encodePublish(small, 2, A_B, 1, false, false, 1, HI, 0, 2));
        assertEquals("PUBLISH needs 11 bytes but the buffer of 10 bytes has 8 from offset 2", e.getMessage());
        assertArrayEquals(new byte[10], small);
        assertMessage("PUBACK needs 4 bytes", () -> PacketEncoder.encodePuback(new byte[3], 0, 1));
        assertMessage("PINGREQ needs 2 bytes", () -> PacketEncoder.encodePingreq(new byte[2], 1));
        assertMessage("CONNECT needs 16 bytes",
                () -> PacketEncoder.encodeConnect(new byte[15], 0, ConnectPacket.builder("pi").build()));
    }

    @Test
    void publishArgumentsMqttForbidsAreRefusedWithTheReason() {
        assertMessage("QoS 3 is not 0, 1 or 2",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 3, false, false, 1, HI, 0, 2));
        assertMessage("packet id 0 is outside 1..65535",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 1, false, false, 0, HI, 0, 2));
        assertMessage("packet id 65536",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 2, false, false, 65_536, HI, 0, 2));
        assertMessage("QoS 0 carries no packet id",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 0, false, false, 5, HI, 0, 2));
        assertMessage("DUP must be 0 for QoS 0",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 0, true, false, 0, HI, 0, 2));
        assertMessage("payload range [1, +2)",
                () -> PacketEncoder.encodePublish(buffer, 0, A_B, 0, false, false, 0, HI, 1, 2));
    }

    @Test
    void rawTopicBytesAreCheckedBeforeTheyReachTheWire() {
        byte[] wildcard = "a/#".getBytes(StandardCharsets.US_ASCII);
        assertMessage("wildcard '#' at byte 2",
                () -> PacketEncoder.encodePublish(buffer, 0, wildcard, 0, 3, 0, false, false, 0, HI, 0, 2));
        assertMessage("U+0000 at byte 1",
                () -> PacketEncoder.encodePublish(buffer, 0, new byte[] {'a', 0}, 0, 2, 0, false, false, 0, HI, 0, 2));
        assertMessage("not well-formed UTF-8 at byte 0",
                () -> PacketEncoder.encodePublish(buffer, 0, new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2, 0,
                        false, false, 0, HI, 0, 2));
        assertMessage("topic name is empty",
                () -> PacketEncoder.encodePublish(buffer, 0, wildcard, 0, 0, 0, false, false, 0, HI, 0, 2));
        assertTrue(Arrays.equals(new byte[256], buffer), "nothing was written");
    }

    @Test
    void aFilterCannotBePublishedTo() {
        assertMessage("'a/+' is a topic filter, not a topic name",
                () -> PacketEncoder.encodePublish(buffer, 0, Topic.filter("a/+"), 0, false, false, 0, HI, 0, 2));
    }

    @Test
    void subscribeArgumentsAreChecked() {
        Topic[] filters = {Topic.filter("a/#")};
        assertMessage("needs 1..1 topic filters, got 0",
                () -> PacketEncoder.encodeSubscribe(buffer, 0, 1, filters, new int[] {0}, 0));
        assertMessage("entry 0 is not a topic filter",
                () -> PacketEncoder.encodeSubscribe(buffer, 0, 1, new Topic[] {A_B}, new int[] {0}, 1));
        assertMessage("SUBSCRIBE: QoS 3",
                () -> PacketEncoder.encodeSubscribe(buffer, 0, 1, filters, new int[] {3}, 1));
        assertMessage("UNSUBSCRIBE: packet id 0",
                () -> PacketEncoder.encodeUnsubscribe(buffer, 0, 0, filters, 1));
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
    }
}
