package dev.sensorpub.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A blocking loopback socket for fixture tests: send raw bytes, expect raw bytes, with timeouts. */
final class MqttSocket implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    MqttSocket(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Exactly {@code count} bytes, or an exception: SocketTimeoutException, EOFException or a reset. */
    byte[] receive(int count, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new EOFException("connection closed after " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** True when nothing at all arrives (no byte, no FIN, no reset) for the whole time. */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
