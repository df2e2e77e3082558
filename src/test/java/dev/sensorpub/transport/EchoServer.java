package dev.sensorpub.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Echoes every byte of one connection back, on its own thread: plain TCP, or TLS with the test PKI's
 * server PEM files. Lets transport tests push many bytes both ways, which mosquitto would not echo.
 */
final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private volatile Socket socket;

    private EchoServer(ServerSocket server) {
        this.server = server;
        thread = new Thread(this::serve, "echo-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Plain TCP on the given loopback address ("127.0.0.1" or "::1"). */
    static EchoServer plain(String address) throws IOException {
        return new EchoServer(new ServerSocket(0, 1, InetAddress.getByName(address)));
    }

    /** TLS on 127.0.0.1, presenting the given certificate chain and PKCS#8 key. */
    static EchoServer tls(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates("cert-file", certFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", PemFiles.privateKey("key-file", keyFile), password,
                chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new EchoServer(context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getByName("127.0.0.1")));
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
            byte[] buffer = new byte[32 * 1024];
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
