package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.transport.Endpoint;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The send buffer keeps the last packet back only while that costs nothing but a little time. */
class SendBufferTest {
    private final ScriptedTransport socket = new ScriptedTransport();
    private final SendBuffer out = new SendBuffer(256);

    SendBufferTest() {
        socket.open(Endpoint.parse("tcp://127.0.0.1:1883"));
    }

    private void packet(int length, int fill) {
        int p = out.reserve(length);
        java.util.Arrays.fill(out.bytes(), p, p + length, (byte) fill);
        out.commit(length);
    }

    private static byte[] bytes(int... lengthThenFill) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lengthThenFill.length; i += 2) {
            for (int j = 0; j < lengthThenFill[i]; j++) {
                b.write(lengthThenFill[i + 1]);
            }
        }
        return b.toByteArray();
    }

    @Test
    void theLastPacketStaysBackUntilTheNextFlush() throws IOException {
        packet(10, 1);
        packet(20, 2);
        packet(30, 3);
        assertEquals(30, out.flushHoldingLast(socket));
        assertTrue(out.holdsBack());
        assertTrue(out.hasUnwritten());
        assertFalse(out.hasUnwrittenBeyondHeld(), "only the packet kept back is unwritten");
        assertArrayEquals(bytes(10, 1, 20, 2), socket.written());
        assertEquals(30, out.flush(socket));
        assertFalse(out.holdsBack());
        assertFalse(out.hasUnwritten());
        assertArrayEquals(bytes(10, 1, 20, 2, 30, 3), socket.written());
        assertEquals(60, out.written());
    }

    @Test
    void aPacketWithNothingBeforeItIsNotKeptBack() throws IOException {
        packet(10, 1);
        assertEquals(10, out.flushHoldingLast(socket));
        assertFalse(out.holdsBack());
        assertFalse(out.hasUnwritten());
    }

    @Test
    void aPacketCommittedAfterTheHoldEndsIt() throws IOException {
        packet(10, 1);
        packet(20, 2);
        out.flushHoldingLast(socket);
        packet(4, 4);
        assertFalse(out.holdsBack());
        assertTrue(out.hasUnwrittenBeyondHeld());
        assertEquals(24, out.flush(socket));
        assertArrayEquals(bytes(10, 1, 20, 2, 4, 4), socket.written());
    }

    @Test
    void nothingIsKeptBackBehindBytesTheSocketDidNotTake() throws IOException {
        packet(10, 1);
        packet(20, 2);
        socket.writeBudget = 5;
        assertEquals(5, out.flushHoldingLast(socket));
        assertFalse(out.holdsBack(), "the socket is full anyway: the next flush writes everything");
        socket.writeBudget = Long.MAX_VALUE;
        assertEquals(25, out.flush(socket));
        assertArrayEquals(bytes(10, 1, 20, 2), socket.written());
    }

    @Test
    void aPacketPartlyStagedEarlierIsNotKeptBack() throws IOException {
        packet(10, 1);
        socket.writeBudget = 4;
        out.flush(socket);
        socket.writeBudget = Long.MAX_VALUE;
        assertEquals(6, out.flushHoldingLast(socket), "part of it left already: the rest goes too");
        assertFalse(out.hasUnwritten());
    }

    @Test
    void theBufferKeepsItsRoomAcrossHolds() throws IOException {
        for (int round = 0; round < 100; round++) {
            packet(60, round);
            packet(60, round);
            out.flushHoldingLast(socket);
            assertTrue(out.holdsBack());
            out.flush(socket);
        }
        assertEquals(256, out.free());
        assertEquals(100 * 120, socket.written().length);
    }
}
