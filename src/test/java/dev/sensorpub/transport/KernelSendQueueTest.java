package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Lines of /proc/net/tcp and /proc/net/tcp6 as Linux writes them; addresses and ports are hexadecimal. */
class KernelSendQueueTest {
    private static final String US = "0000000000000000FFFF00000100007F:B3CC";
    private static final String BROKER = "0000000000000000FFFF00000100007F:075B";
    private static final String V6 = "   3: " + US + " " + BROKER + " 01"
            + " 0000001C:00000000 01:00000190 00000002     0        0 1234 1 0000000000000000 204 4 30 10 -1";

    private static final String US_V4 = "0100007F:B3CC";
    private static final String BROKER_V4 = "0100007F:075B";
    private static final String V4 = "   7: " + US_V4 + " " + BROKER_V4 + " 01"
            + " 00000240:00000000 01:00000076 00000000  1000        0 4257106 3 0000000051f7f4a1 187 4 19 3 2";

    @Test
    void readsTheUnacknowledgedBytesTheExpiredResendsAndTheRetransmissionTimeoutOfTheConnectionBetweenTwoAddresses() {
        assertEquals(new KernelSendQueue.Entry(0x1C, 2, 2_040, false), KernelSendQueue.entryIn(V6, US, BROKER));
        assertEquals(new KernelSendQueue.Entry(0x240, 0, 1_870, false), KernelSendQueue.entryIn(V4, US_V4, BROKER_V4));
    }

    @Test
    void aLineWithoutTheRetransmissionTimeoutColumnTellsTheRestAndNoTimeout() {
        String cut = V4.substring(0, V4.indexOf(" 187 "));
        assertEquals(new KernelSendQueue.Entry(0x240, 0, -1, false), KernelSendQueue.entryIn(cut, US_V4, BROKER_V4));
        assertEquals(new KernelSendQueue.Entry(0x240, 0, -1, false),
                KernelSendQueue.entryIn(V4.replace(" 187 ", " 1x7 "), US_V4, BROKER_V4));
    }

    @Test
    void oddRetransmissionTimeoutsAreTakenAsTheyAreOrAsNone() {
        assertEquals(0, KernelSendQueue.entryIn(V4.replace(" 187 ", " 0 "), US_V4, BROKER_V4).retransmitTimeoutMillis());
        assertEquals(9_999_999_990L,
                KernelSendQueue.entryIn(V4.replace(" 187 ", " 999999999 "), US_V4, BROKER_V4).retransmitTimeoutMillis());
        assertEquals(-1, KernelSendQueue.entryIn(V4.replace(" 187 ", " 1000000000 "), US_V4, BROKER_V4).retransmitTimeoutMillis());
        assertEquals(-1, KernelSendQueue.entryIn(V4.replace(" 187 ", " -1 "), US_V4, BROKER_V4).retransmitTimeoutMillis());
        assertEquals(-1, KernelSendQueue.entryIn(V4.replace(" 187 ", " BB "), US_V4, BROKER_V4).retransmitTimeoutMillis());
    }

    /** A peer that stopped reading: bytes wait behind its zero window, the probe timer (4) runs, no resend counts. */
    @Test
    void aProbedZeroWindowIsTold() {
        assertEquals(new KernelSendQueue.Entry(0x240, 0, 1_870, true),
                KernelSendQueue.entryIn(V4.replace(" 01:00000076 ", " 04:00000076 "), US_V4, BROKER_V4));
    }

    @Test
    void anotherConnectionOrTheBrokersSideOfThisOneIsNotIt() {
        assertNull(KernelSendQueue.entryIn(V6, BROKER, US));
        assertNull(KernelSendQueue.entryIn(V6, US.replace("B3CC", "B3CD"), BROKER));
    }

    @Test
    void theSamePortsBetweenOtherAddressesAreAnotherConnection() {
        assertNull(KernelSendQueue.entryIn(V6, US.replace("0100007F:", "0200007F:"), BROKER));
        assertNull(KernelSendQueue.entryIn(V6, US, BROKER.replace("0100007F:", "0200007F:")));
    }

    @Test
    void onlyAnEstablishedConnectionCounts() {
        assertNull(KernelSendQueue.entryIn(V6.replace(":075B 01 ", ":075B 0A "), US, BROKER));
    }

    @Test
    void theHeaderLineIsNoConnection() {
        assertNull(KernelSendQueue.entryIn("  sl  local_address rem_address   st tx_queue rx_queue tr"
                + " tm->when retrnsmt   uid  timeout inode", US, BROKER));
    }

    @Test
    void addressesAreNamedAsTheTablesNameThem() {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", 1883);
        assertEquals(little ? "0100007F:075B" : "7F000001:075B", KernelSendQueue.named(v4, false));
        assertEquals(little ? BROKER : "0000000000000000" + "0000FFFF7F000001:075B", KernelSendQueue.named(v4, true));
        InetSocketAddress v6 = new InetSocketAddress("::1", 0xB3CC);
        assertEquals(little ? "00000000000000000000000001000000:B3CC" : "00000000000000000000000000000001:B3CC",
                KernelSendQueue.named(v6, true));
        assertNull(KernelSendQueue.named(v6, false), "/proc/net/tcp has no IPv6 connection");
    }
}
