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

    @Test
    void readsTheUnacknowledgedBytesAndTheExpiredResendsOfTheConnectionBetweenTwoAddresses() {
        assertEquals(new KernelSendQueue.Entry(0x1C, 2), KernelSendQueue.entryIn(V6, US, BROKER));
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
