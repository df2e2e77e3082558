package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's tables name a connection by four things, not two: Linux gives one local port to
 * connections to different servers (the port is free for every other destination), so another
 * connection from our local port to another server on the broker's port number is not ours.
 */
class KernelSendQueueSharedPortsTest {
    private static final int DECOYS = 4;

    @Test
    void aConnectionWithOurPortsToAnotherAddressIsNotOurs() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "/proc/net/tcp is Linux only");
        List<AutoCloseable> open = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             TcpTransport transport = new TcpTransport()) {
            int brokerPort = server.getLocalPort();
            Drive.open(transport, Endpoint.parse("tcp://127.0.0.1:" + brokerPort), 5_000);
            Socket peer = server.accept();
            open.add(peer);
            int ourPort = peer.getPort();
            int decoys = 0;
            for (int k = 2; k < 2 + DECOYS; k++) {
                decoys += decoy("127.0.0." + k, ourPort, brokerPort, open) ? 1 : 0;
            }
            assertTrue(decoys > 0, "no decoy connection could be made");
            Drive.writeAll(transport, ByteBuffer.wrap(new byte[300]), Drive.deadline(5_000));
            long acked = -1;
            for (int i = 0; i < 300 && acked != 300; i++) {
                Thread.sleep(10);
                acked = transport.tcpProgress().acknowledgedBytes();
            }
            assertEquals(300, acked, "ours: all 300 bytes acknowledged; " + decoys
                    + " other connections from port " + ourPort + " to port " + brokerPort + " hold unacknowledged bytes");
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void anIpv6ConnectionIsFoundByItsAddresses() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "/proc/net/tcp6 is Linux only");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("::1"));
             TcpTransport transport = new TcpTransport()) {
            Drive.open(transport, Endpoint.parse("tcp://[::1]:" + server.getLocalPort()), 5_000);
            Socket peer = server.accept(); // never reads
            try {
                Drive.writeAll(transport, ByteBuffer.wrap(new byte[300]), Drive.deadline(5_000));
                long acked = -1;
                for (int i = 0; i < 300 && acked != 300; i++) {
                    Thread.sleep(10);
                    acked = transport.tcpProgress().acknowledgedBytes();
                }
                assertEquals(300, acked, "all 300 bytes acknowledged by the peer's kernel over ::1");
            } finally {
                peer.close();
            }
        }
    }

    /** From {@code address}:{@code localPort} to a server on {@code address}:{@code port} that never reads, its send queue full. */
    private static boolean decoy(String address, int localPort, int port, List<AutoCloseable> open) throws IOException {
        InetAddress where = InetAddress.getByName(address);
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReceiveBufferSize(4096); // a small window: a little junk fills it
            server.bind(new InetSocketAddress(where, port), 1);
        } catch (IOException taken) {
            return false;
        }
        open.add(server);
        SocketChannel client = SocketChannel.open();
        open.add(client);
        client.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
        try {
            client.bind(new InetSocketAddress(where, localPort));
        } catch (IOException taken) {
            return false;
        }
        client.connect(new InetSocketAddress(where, port));
        open.add(server.accept());
        client.configureBlocking(false);
        ByteBuffer junk = ByteBuffer.allocate(4096);
        for (int i = 0; i < 200; i++) {
            junk.clear();
            if (client.write(junk) == 0) {
                break;
            }
        }
        return true;
    }
}
