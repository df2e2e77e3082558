package dev.sensorpub.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake broker on 127.0.0.1 that does exactly what the test script says, for behaviour a real broker
 * will not show: malformed packets, odd return codes, silence, a close in the middle of a packet.
 * The test thread drives it directly (blocking sockets with timeouts), so there is no thread to leak.
 *
 * <pre>{@code
 * try (ScriptedBroker broker = ScriptedBroker.start()) {
 *     ... start the client on broker.url() ...
 *     ScriptedBroker.Connection c = broker.accept(5_000);
 *     byte[] connect = c.readPacket(5_000);      // whole packet, fixed header included
 *     c.write(0x20, 0x02, 0x00, 0x05);           // CONNACK: not authorized
 *     c.awaitClosedByClient(5_000);
 * }
 * }</pre>
 *
 * It knows MQTT only as far as the fixed header (type nibble and remaining length), so tests can read
 * one whole packet at a time; everything else is raw bytes.
 */
public final class ScriptedBroker implements AutoCloseable {
    public static final String HOST = "127.0.0.1";

    private final ServerSocket server;
    private final List<Connection> connections = new ArrayList<>();

    private ScriptedBroker() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
    }

    /** Listens on a free port of 127.0.0.1; connections queue in the backlog until {@link #accept}. */
    public static ScriptedBroker start() {
        try {
            return new ScriptedBroker();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code tcp://127.0.0.1:port} */
    public String url() {
        return "tcp://" + HOST + ":" + port();
    }

    /** The next client connection; fails the test if none arrives within the timeout. */
    public Connection accept(long timeoutMillis) throws IOException {
        server.setSoTimeout((int) Math.max(1, timeoutMillis));
        Socket socket;
        try {
            socket = server.accept();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no client connected to the scripted broker on port " + port() + " within "
                    + timeoutMillis + " ms");
        }
        socket.setTcpNoDelay(true);
        Connection connection = new Connection(socket);
        connections.add(connection);
        return connection;
    }

    /** Closes the listener and every accepted connection. */
    @Override
    public void close() {
        for (Connection connection : connections) {
            connection.close();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    /** MQTT control packet type: the high nibble of the first byte (1 CONNECT, 3 PUBLISH, 12 PINGREQ...). */
    public static int packetType(byte[] packet) {
        return (packet[0] & 0xF0) >> 4;
    }

    /** One accepted client connection. */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /**
         * Reads one whole MQTT packet (fixed header, remaining length, body) as the client sent it.
         * Fails the test on timeout or if the client closes first.
         */
        public byte[] readPacket(long timeoutMillis) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeoutMillis));
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            try {
                packet.write(readByte());
                int remaining = 0;
                for (int i = 0, shift = 0; ; i++, shift += 7) {
                    if (i == 4) {
                        throw new AssertionError("client sent a remaining length longer than 4 bytes: "
                                + hex(packet.toByteArray()));
                    }
                    int b = readByte();
                    packet.write(b);
                    remaining |= (b & 0x7F) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                packet.write(readExactly(remaining));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("client sent no complete packet within " + timeoutMillis
                        + " ms; got so far: " + hex(packet.toByteArray()));
            }
            return packet.toByteArray();
        }

        /** Reads exactly {@code count} raw bytes. */
        public byte[] readBytes(int count, long timeoutMillis) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeoutMillis));
            try {
                return readExactly(count);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("client sent fewer than " + count + " bytes within " + timeoutMillis + " ms");
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed the connection");
            }
            return b;
        }

        private byte[] readExactly(int count) throws IOException {
            byte[] bytes = in.readNBytes(count);
            if (bytes.length < count) {
                throw new EOFException("client closed the connection after " + bytes.length + " of " + count + " bytes");
            }
            return bytes;
        }

        /** Sends raw bytes, given as ints for readability: {@code write(0x20, 0x02, 0x00, 0x00)}. */
        public void write(int... values) throws IOException {
            write(bytes(values));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** True when the client closed (or reset) the connection within the timeout; data it sends is skipped. */
        public boolean awaitClosedByClient(long timeoutMillis) throws IOException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            byte[] skip = new byte[4096];
            while (true) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) left);
                try {
                    if (in.read(skip) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (IOException reset) {
                    return true;
                }
            }
        }

        /** Closes with a TCP reset (SO_LINGER 0), as a crashing broker or a NAT box would. */
        public void closeAbruptly() {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // Already closed.
            }
            close();
        }

        /** Closes normally (FIN). Staying silent needs no method: just do nothing. */
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
    }

    /** "10 0c 00 04 ..." for assertion messages. */
    public static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(text.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }

    /** Copies the given ints into bytes; for expected-packet literals in assertions. */
    public static byte[] bytes(int... values) {
        byte[] raw = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = (byte) values[i];
        }
        return raw;
    }
}
