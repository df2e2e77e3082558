package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The steady-state TCP path (write, await, read) allocates nothing on the loop thread. */
class TcpTransportAllocationTest {
    private static final int ROUNDS = 100_000;
    /**
     * HotSpot allocates on the calling thread a few times while it warms this path up: a few KB in the
     * first 10,000 rounds, and once more, 72 to 144 bytes, near round 105,000 (measured with 5,000-round
     * chunks: exactly one non-zero chunk, then zero for the next 300,000 rounds, so it is warm-up, not a
     * per-round cost). The measurement therefore starts after 150,000 rounds.
     */
    private static final int WARM_UP_ROUNDS = 150_000;
    private static final int MESSAGE_LENGTH = 64;
    private static final long TIME_LIMIT_MILLIS = 120_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void echoRoundTripsAllocateZeroBytesWithHeapBuffers() throws IOException {
        assertEquals(0, allocatedDuringRoundTrips(ByteBuffer.allocate(MESSAGE_LENGTH), ByteBuffer.allocate(MESSAGE_LENGTH)));
    }

    @Test
    void echoRoundTripsAllocateZeroBytesWithDirectBuffers() throws IOException {
        assertEquals(0, allocatedDuringRoundTrips(ByteBuffer.allocateDirect(MESSAGE_LENGTH),
                ByteBuffer.allocateDirect(MESSAGE_LENGTH)));
    }

    private static long allocatedDuringRoundTrips(ByteBuffer out, ByteBuffer in) throws IOException {
        for (int i = 0; i < MESSAGE_LENGTH; i++) {
            out.put((byte) i);
        }
        try (EchoServer echo = EchoServer.plain("127.0.0.1"); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + echo.port()), 5_000);
            long deadline = Drive.deadline(TIME_LIMIT_MILLIS);
            Drive.echoRoundTrips(transport, out, in, WARM_UP_ROUNDS, deadline);
            THREADS.getCurrentThreadAllocatedBytes(); // its own first-call cost stays outside the measurement
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Drive.echoRoundTrips(transport, out, in, ROUNDS, deadline);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            byte[] echoed = new byte[MESSAGE_LENGTH];
            in.flip().get(echoed);
            byte[] sent = new byte[MESSAGE_LENGTH];
            out.flip().get(sent);
            assertArrayEquals(sent, echoed, "the bytes really went round");
            return allocated;
        }
    }
}
