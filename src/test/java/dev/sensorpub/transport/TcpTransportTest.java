package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.RawPackets;
import dev.sensorpub.testing.ScriptedBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpTransportTest {
    /** Loopback hands bytes over within the sender's system call; this is ample margin. */
    private static final long LANDING_MILLIS = 200;

    @Test
    void echoesBytesBothWaysOverLoopback() throws IOException {
        try (EchoServer echo = EchoServer.plain("127.0.0.1"); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + echo.port()), 5_000);
            assertTrue(transport.isOpen());
            byte[] hello = "hello, broker".getBytes();
            assertArrayEquals(hello, Drive.exchange(transport, hello, hello.length, 5_000));
        }
    }

    @Test
    void connectsToTheIpv6Loopback() throws IOException {
        try (EchoServer echo = EchoServer.plain("::1"); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse("tcp://[::1]:" + echo.port()), 5_000);
            assertArrayEquals(new byte[] {1, 2, 3}, Drive.exchange(transport, new byte[] {1, 2, 3}, 3, 5_000));
        }
    }

    @Test
    void speaksRawMqttToMosquitto() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            assertArrayEquals(RawPackets.CONNACK_ACCEPTED,
                    Drive.exchange(transport, RawPackets.connect("tcp-transport"), 4, 5_000), broker.log());
        }
    }

    /**
     * The kernel acknowledges what reaches the peer's socket, read or not; on Linux the transport
     * tells how much (the session's proof that a silent link still carries our bytes).
     */
    @Test
    void tellsHowManyBytesThePeersTcpAcknowledgedOnLinux() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TcpTransport transport = new TcpTransport()) {
            assertEquals(-1, transport.tcpProgress().acknowledgedBytes(), "not connected: unknown");
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + server.getLocalPort()), 5_000);
            try (Socket peer = server.accept()) { // never reads
                Drive.writeAll(transport, ByteBuffer.wrap(new byte[300]), Drive.deadline(5_000));
                long acked = -1;
                for (int i = 0; i < LANDING_MILLIS / 10 && acked != 300; i++) {
                    Thread.sleep(10);
                    acked = transport.tcpProgress().acknowledgedBytes();
                }
                if (System.getProperty("os.name").startsWith("Linux")) {
                    assertEquals(300, acked, "all 300 bytes acknowledged by the peer's kernel");
                } else {
                    assertEquals(-1, acked, "no /proc/net/tcp: unknown");
                }
            }
            transport.close();
            assertEquals(-1, transport.tcpProgress().acknowledgedBytes(), "closed: unknown");
        }
    }

    @Test
    void setsNoDelayAndKeepAlive() throws IOException {
        try (EchoServer echo = EchoServer.plain("127.0.0.1"); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + echo.port()), 5_000);
            assertTrue(transport.option(StandardSocketOptions.TCP_NODELAY));
            assertTrue(transport.option(StandardSocketOptions.SO_KEEPALIVE));
        }
    }

    @Test
    void coalescingSmallWritesTurnsNaglesAlgorithmOnForThisConnectionOnly() throws IOException {
        try (EchoServer echo = EchoServer.plain("127.0.0.1"); TcpTransport transport = new TcpTransport()) {
            Endpoint endpoint = Endpoint.parse("tcp://127.0.0.1:" + echo.port());
            Drive.open(transport, endpoint, 5_000);
            transport.coalesceSmallWrites(true);
            assertFalse(transport.option(StandardSocketOptions.TCP_NODELAY), "Nagle on");
            assertArrayEquals(new byte[] {7, 8}, Drive.exchange(transport, new byte[] {7, 8}, 2, 5_000));
            transport.coalesceSmallWrites(false);
            assertTrue(transport.option(StandardSocketOptions.TCP_NODELAY), "Nagle off again");
            transport.coalesceSmallWrites(true);
            Drive.open(transport, endpoint, 5_000);
            assertTrue(transport.option(StandardSocketOptions.TCP_NODELAY), "a new connection starts without it");
            transport.coalesceSmallWrites(true);
            assertFalse(transport.option(StandardSocketOptions.TCP_NODELAY), "and can have it again");
        }
    }

    @Test
    void coalescingNeedsAnOpenConnection() {
        try (TcpTransport transport = new TcpTransport()) {
            IOException e = assertThrows(IOException.class, () -> transport.coalesceSmallWrites(true));
            assertEquals("transport is closed", e.getMessage());
        }
    }

    @Test
    void aRefusedConnectNamesHostAndPort() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        try (TcpTransport transport = new TcpTransport()) {
            Endpoint endpoint = Endpoint.parse("tcp://127.0.0.1:" + port);
            IOException e = assertThrows(IOException.class, () -> Drive.open(transport, endpoint, 5_000));
            assertEquals("connect to 127.0.0.1:" + port + " failed: connection refused", e.getMessage());
            assertFalse(transport.isOpen(), "a failed connect closes the socket");
        }
    }

    /**
     * A listener whose accept queue is full drops further SYNs, so the connect neither succeeds nor
     * fails: only the caller's deadline ends it, and await must return on time for that to work.
     */
    @Test
    void aConnectThatNeverCompletesEndsAtTheCallersDeadline() throws IOException {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             TcpTransport transport = new TcpTransport()) {
            fillAcceptQueue(neverAccepts.getLocalPort(), fillers);
            Endpoint endpoint = Endpoint.parse("tcp://127.0.0.1:" + neverAccepts.getLocalPort());
            TransportAssertions.assertOpenGivesUpAtTheDeadline(transport, endpoint, 400);
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    private static void fillAcceptQueue(int port, List<Socket> fillers) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            fillers.add(filler);
            try {
                filler.connect(new InetSocketAddress("127.0.0.1", port), 300);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new AssertionError("the accept queue of port " + port + " never filled up");
    }

    @Test
    void readReturnsZeroWhenNothingArrivedAndAwaitWaitsOnlyItsTimeout() throws IOException {
        try (ScriptedBroker silent = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(silent.url()), 5_000);
            silent.accept(5_000);
            assertEquals(0, transport.read(ByteBuffer.allocate(16)));
            TransportAssertions.assertAwaitSleepsItsTimeout(transport, 300, false);
            assertEquals(0, transport.read(ByteBuffer.allocate(16)));
        }
    }

    @Test
    void awaitWithoutTimeoutReturnsAtOnce() throws IOException {
        try (ScriptedBroker silent = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(silent.url()), 5_000);
            long start = System.nanoTime();
            transport.await(0, false);
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
        }
    }

    @Test
    void awaitWakesAsSoonAsBytesArrive() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            broker.accept(5_000).write(0xD0, 0x00);
            long start = System.nanoTime();
            transport.await(10_000, false);
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "await slept although bytes were waiting");
            ByteBuffer dst = ByteBuffer.allocate(2);
            assertEquals(2, transport.read(dst));
            assertArrayEquals(RawPackets.PINGRESP, dst.array());
        }
    }

    /**
     * A read that filled less than it was offered found the socket empty; the next read would
     * only cost a system call to say so. It returns 0 at once, even when bytes have landed since,
     * and the bytes come with the read after it, or with the first read after an await.
     */
    @Test
    void theReadAfterAShortReadReturnsZeroWithoutAskingTheSocket() throws IOException, InterruptedException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            ScriptedBroker.Connection peer = broker.accept(5_000);
            ByteBuffer dst = ByteBuffer.allocate(16);
            peer.write(0xD0, 0x00);
            transport.await(5_000, false);
            assertEquals(2, transport.read(dst), "the PINGRESP, 2 of 16 bytes offered");

            peer.write(0x40, 0x02, 0x00, 0x01);
            Thread.sleep(LANDING_MILLIS);
            assertEquals(0, transport.read(dst), "known empty: no system call, although a PUBACK has landed");
            assertEquals(4, transport.read(dst), "the next read asks the socket again");

            peer.write(0x40, 0x02, 0x00, 0x02);
            Thread.sleep(LANDING_MILLIS);
            transport.await(5_000, false);
            assertEquals(4, transport.read(dst), "an await looks at the socket again");
            assertArrayEquals(ScriptedBroker.bytes(0xD0, 0x00, 0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02),
                    java.util.Arrays.copyOf(dst.array(), dst.position()));
        }
    }

    @Test
    void theReadAfterAnAwaitThatFoundNothingReturnsZeroWithoutAskingTheSocket() throws IOException,
            InterruptedException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            ScriptedBroker.Connection peer = broker.accept(5_000);
            ByteBuffer dst = ByteBuffer.allocate(16);
            transport.await(50, false);
            peer.write(0xD0, 0x00);
            Thread.sleep(LANDING_MILLIS);
            assertEquals(0, transport.read(dst), "the await timed out: the socket was empty then");
            assertEquals(2, transport.read(dst), "the next read asks the socket again");

            transport.wakeup();
            transport.await(5_000, false);
            peer.write(0xD0, 0x00);
            Thread.sleep(LANDING_MILLIS);
            assertEquals(0, transport.read(dst), "woken with nothing ready: the same");
            assertEquals(2, transport.read(dst));
        }
    }

    /**
     * Our segment carries the TCP acknowledgement a broker with Nagle's algorithm waits for before
     * it sends the answers it held back; on a fast link they land before the write returns. So a
     * write that took bytes, and a pause, let the next read ask the socket.
     */
    @Test
    void aWriteOrAPauseLetsTheNextReadAskTheSocketAfterAShortRead() throws IOException, InterruptedException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            ScriptedBroker.Connection peer = broker.accept(5_000);
            ByteBuffer dst = ByteBuffer.allocate(16);
            peer.write(0xD0, 0x00);
            transport.await(5_000, false);
            assertEquals(2, transport.read(dst), "a short read: the socket is empty now");

            peer.write(0x40, 0x02, 0x00, 0x01);
            Thread.sleep(LANDING_MILLIS);
            assertTrue(transport.write(ByteBuffer.wrap(RawPackets.PINGREQ)) > 0);
            assertEquals(4, transport.read(dst), "after our write the socket is asked again; short again");

            peer.write(0x40, 0x02, 0x00, 0x02);
            transport.pause(LANDING_MILLIS * 1_000_000L);
            assertEquals(4, transport.read(dst), "a pause is for answers to land: the socket is asked");
        }
    }

    @Test
    void aReadThatFillsItsBufferLeavesTheNextReadToTheSocket() throws IOException, InterruptedException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            ScriptedBroker.Connection peer = broker.accept(5_000);
            peer.write(0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02);
            Thread.sleep(LANDING_MILLIS);
            transport.await(5_000, false);
            ByteBuffer half = ByteBuffer.allocate(4);
            assertEquals(4, transport.read(half));
            half.clear();
            assertEquals(4, transport.read(half), "the socket may hold more: it is asked");
        }
    }

    @Test
    void readReturnsMinusOneWhenTheBrokerCloses() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            broker.accept(5_000).close();
            assertEquals(-1, Drive.readUntilEndOfStream(transport, 5_000));
        }
    }

    @Test
    void aResetByTheBrokerIsAnIOException() throws IOException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            broker.accept(5_000).closeAbruptly();
            transport.await(5_000, false);
            assertThrows(IOException.class, () -> transport.read(ByteBuffer.allocate(16)));
        }
    }

    @Test
    void overABlackHoledLinkWritesSucceedReadsStayEmptyAndAwaitKeepsItsTimeout() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(proxy.url()), 5_000);
            Drive.exchange(transport, RawPackets.connect("tunnel"), 4, 5_000);
            proxy.blackHole();
            assertEquals(2, transport.write(ByteBuffer.wrap(RawPackets.PINGREQ)), "nothing tells the writer");
            ByteBuffer reply = ByteBuffer.allocate(2);
            TransportAssertions.assertAwaitSleepsItsTimeout(transport, 300, false);
            assertEquals(0, transport.read(reply), "no PINGRESP, no end of stream, no error: only silence");
            assertTrue(transport.isOpen());

            proxy.restore();
            Drive.readFully(transport, reply, Drive.deadline(5_000));
            assertArrayEquals(RawPackets.PINGRESP, reply.array(), "the held PINGREQ was answered after restore");
        }
    }

    @Test
    void writeTakesZeroBytesOnceAStalledLinkFillsTheSocketBuffers() throws IOException {
        try (ScriptedBroker neverReads = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(neverReads.url()), 5_000);
            neverReads.accept(5_000);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            long deadline = Drive.deadline(10_000);
            int n = -1;
            while (written < 256L * 1024 * 1024 && System.nanoTime() < deadline) {
                chunk.clear();
                n = transport.write(chunk);
                if (n == 0) {
                    break;
                }
                written += n;
            }
            assertEquals(0, n, "write never blocked nor returned 0 after " + written + " bytes");
            chunk.clear();
            assertEquals(0, transport.write(chunk), "the socket itself takes nothing more");
            TransportAssertions.assertAwaitSleepsItsTimeout(transport, 200, true); // nothing drains
        }
    }

    /**
     * A write that took less than it was offered found the send buffer full; the next write
     * returns 0 without a system call, even if the peer has read meanwhile, and the one after it
     * (or the first after an await) gives the socket the bytes again.
     */
    @Test
    void theWriteAfterAShortWriteTakesNothingWithoutAskingTheSocket() throws IOException, InterruptedException {
        try (ScriptedBroker broker = ScriptedBroker.start(); TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
            ScriptedBroker.Connection peer = broker.accept(5_000);
            ByteBuffer chunk = ByteBuffer.allocate(65_521); // a prime: the buffers never fill exactly
            long written = 0;
            long deadline = Drive.deadline(10_000);
            while (System.nanoTime() < deadline) {
                chunk.clear();
                int n = transport.write(chunk);
                written += n;
                if (n > 0 && chunk.hasRemaining()) {
                    break; // a short write: the buffers are full
                }
                assertTrue(n > 0, "a full socket shows first as a short write, not as 0");
            }
            assertTrue(chunk.hasRemaining(), "no short write within 10 s");
            peer.readBytes((int) written, 10_000);
            Thread.sleep(LANDING_MILLIS);
            assertEquals(0, transport.write(chunk), "known full: no system call, although the peer read it all");
            assertTrue(transport.write(chunk) > 0, "the next write asks the socket again");
        }
    }

    @Test
    @SuppressWarnings("try") // closing inside the try is what is tested
    void canBeOpenedAgainAfterClose() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault(); TcpTransport transport = new TcpTransport()) {
            for (int round = 0; round < 3; round++) {
                Drive.open(transport, Endpoint.parse(broker.url()), 5_000);
                assertArrayEquals(RawPackets.CONNACK_ACCEPTED,
                        Drive.exchange(transport, RawPackets.connect("again-" + round), 4, 5_000));
                transport.close();
                assertFalse(transport.isOpen());
            }
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAClearError() throws IOException {
        TcpTransport transport = new TcpTransport();
        transport.close();
        transport.close();
        IOException e = assertThrows(IOException.class, () -> transport.read(ByteBuffer.allocate(1)));
        assertEquals("transport is closed", e.getMessage());
    }

    @Test
    void refusesAnSslEndpoint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TcpTransport().open(Endpoint.parse("ssl://127.0.0.1:8883")));
        assertEquals("ssl://127.0.0.1:8883 needs TLS: open it with a TlsTransport", e.getMessage());
    }
}
