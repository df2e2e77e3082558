package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Lines of /proc/net/tcp and /proc/net/tcp6 as Linux writes them; the ports are hexadecimal. */
class KernelSendQueueTest {
    private static final String V6 = "   3: 0000000000000000FFFF00000100007F:B3CC 0000000000000000FFFF00000100007F:075B 01"
            + " 0000001C:00000000 01:00000190 00000002     0        0 1234 1 0000000000000000 204 4 30 10 -1";

    @Test
    void readsTheUnacknowledgedBytesAndTheExpiredResendsOfTheConnectionBetweenTwoPorts() {
        assertEquals(new KernelSendQueue.Entry(0x1C, 2), KernelSendQueue.entryIn(V6, 0xB3CC, 1883));
    }

    @Test
    void anotherConnectionOrTheBrokersSideOfThisOneIsNotIt() {
        assertNull(KernelSendQueue.entryIn(V6, 1883, 0xB3CC));
        assertNull(KernelSendQueue.entryIn(V6, 0xB3CD, 1883));
    }

    @Test
    void onlyAnEstablishedConnectionCounts() {
        assertNull(KernelSendQueue.entryIn(V6.replace(":075B 01 ", ":075B 0A "), 0xB3CC, 1883));
    }

    @Test
    void theHeaderLineIsNoConnection() {
        assertNull(KernelSendQueue.entryIn("  sl  local_address rem_address   st tx_queue rx_queue tr"
                + " tm->when retrnsmt   uid  timeout inode", 1, 2));
    }
}
