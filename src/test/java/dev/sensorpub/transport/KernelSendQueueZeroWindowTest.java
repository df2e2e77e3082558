package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops reading (a hung broker): once its receive buffer is full its TCP announces a
 * zero window, ours probes it with the retransmission timer stopped ({@code retrnsmt} stays 0),
 * and the table tells the probe timer instead.
 */
class KernelSendQueueZeroWindowTest {
    @Test
    void aPeerThatStoppedReadingShowsAClosedWindowAndNoExpiredResend() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "/proc/net/tcp is Linux only");
        try (ServerSocket server = new ServerSocket();
             TcpTransport transport = new TcpTransport()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + server.getLocalPort()), 5_000);
            try (Socket peer = server.accept()) { // never reads
                ByteBuffer chunk = ByteBuffer.allocate(65_536);
                long deadline = System.nanoTime() + 5_000_000_000L;
                for (int refused = 0; refused < 20 && System.nanoTime() < deadline; ) {
                    chunk.clear();
                    refused = transport.write(chunk) == 0 ? refused + 1 : 0;
                    Thread.sleep(refused == 0 ? 0 : 10);
                }
                TcpProgress tcp = transport.tcpProgress();
                for (int i = 0; i < 300 && !tcp.windowClosed(); i++) {
                    Thread.sleep(10);
                    tcp = transport.tcpProgress();
                }
                assertTrue(tcp.windowClosed(), "the peer's zero window is probed: " + tcp);
                assertEquals(0, tcp.resendTimeouts(), "no resend timed out: " + tcp);
            }
        }
    }
}
