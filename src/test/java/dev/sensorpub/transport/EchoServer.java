package dev.sensorpub.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Echoes every byte of one connection back, on its own thread; for loopback transport tests. */
final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private volatile Socket socket;

    EchoServer(String address) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getByName(address));
        thread = new Thread(this::serve, "echo-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket accepted = server.accept()) {
            socket = accepted;
            accepted.setTcpNoDelay(true);
            InputStream in = accepted.getInputStream();
            OutputStream out = accepted.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException closed) {
            // The test closed the server or the client went away: done.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
