package dev.sensorpub.transport;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS 1.2 / 1.3 over a non-blocking {@link TcpTransport}, through an {@link SSLEngine}. Three buffers,
 * allocated once per transport and sized for one TLS record, carry the bytes between the socket, the
 * engine and the caller; all three stay in "fill" mode between calls (position = end of data).
 *
 * <p>The engine itself allocates on every record (its result object and internal arrays); the
 * transport adds nothing on top. The handshake's delegated tasks (certificate checks, key exchange)
 * run inline on the loop thread: a few milliseconds per connect, never per message.
 */
public final class TlsTransport implements Transport {
    private static final Logger LOG = Log.logger("tls");
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);
    /** Bounds each handshake or read pass; every step either progresses or returns. */
    private static final int MAX_STEPS = 64;
    private static final int RECORD_HEADER_LENGTH = 5;

    private final TlsContext context;
    private final TcpTransport tcp = new TcpTransport();
    /** Ciphertext read from the socket, not yet unwrapped. */
    private final ByteBuffer netIn;
    /** Ciphertext wrapped by the engine, not yet written to the socket. */
    private final ByteBuffer netOut;
    /** Plaintext unwrapped, not yet handed to the caller. */
    private final ByteBuffer appIn;

    private SSLEngine engine;
    private boolean handshakeStarted;
    /** True once a TLS record from the broker was read; tells a plain listener from a refusal. */
    private boolean brokerSpokeTls;
    private boolean handshaken;
    private boolean inboundDone;

    public TlsTransport(TlsContext context) {
        this.context = context;
        this.netIn = ByteBuffer.allocate(context.packetBufferSize());
        this.netOut = ByteBuffer.allocate(context.packetBufferSize());
        this.appIn = ByteBuffer.allocate(context.applicationBufferSize());
    }

    @Override
    public void open(Endpoint endpoint) throws IOException {
        close();
        tcp.openChannel(endpoint);
        engine = context.newEngine(endpoint);
        netIn.clear();
        netOut.clear();
        appIn.clear();
        handshakeStarted = false;
        brokerSpokeTls = false;
        handshaken = false;
        inboundDone = false;
    }

    @Override
    public boolean finishOpen() throws IOException {
        if (handshaken) {
            return true;
        }
        if (engine == null) {
            throw new IOException("transport is closed; call open first");
        }
        Endpoint endpoint = tcp.endpoint();
        try {
            if (!tcp.finishOpen()) {
                return false;
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        try {
            if (!handshakeStarted) {
                engine.beginHandshake();
                handshakeStarted = true;
            }
            handshaken = handshake();
        } catch (SSLException e) {
            close();
            throw new IOException("TLS handshake with " + endpoint.hostAndPort() + " failed: " + explain(e, endpoint), e);
        } catch (IOException e) {
            // The socket failed mid-handshake. Before any TLS record came back this is typically a plain MQTT
            // listener dropping what it took for a malformed packet; after, a TLS 1.2 broker refusing us.
            close();
            throw new IOException("TLS handshake with " + endpoint.hostAndPort() + " failed: " + e.getMessage()
                    + (brokerSpokeTls
                    ? " (the broker ended the handshake; does it require a client certificate (cert-file, key-file)"
                            + " or reject the one sent?)"
                    : " (is port " + endpoint.port() + " a plain tcp:// listener?)"), e);
        }
        if (handshaken) {
            LOG.info(engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite() + " with "
                    + endpoint.hostAndPort() + (context.verifiesHostname() ? "" : "; no name check"));
        }
        return handshaken;
    }

    private boolean handshake() throws IOException {
        for (int step = 0; step < MAX_STEPS; step++) {
            if (!flush()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK:
                    runDelegatedTasks();
                    break;
                case NEED_WRAP:
                    wrap(NO_BYTES);
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    if (!unwrapHandshakeRecord()) {
                        return false;
                    }
                    break;
                default:
                    return true; // NOT_HANDSHAKING or FINISHED, and everything flushed
            }
        }
        return false;
    }

    /** True when a record was consumed; false when more bytes must arrive first. */
    private boolean unwrapHandshakeRecord() throws IOException {
        SSLEngineResult result = unwrap();
        switch (result.getStatus()) {
            case OK:
                brokerSpokeTls = true;
                return true;
            case BUFFER_UNDERFLOW:
                int n = readRecordBytes();
                if (n < 0) {
                    throw new EOFException("the broker closed the connection");
                }
                return n > 0;
            case CLOSED:
                throw new EOFException("the broker closed the TLS session during the handshake");
            default:
                throw new SSLException("the broker sent application data before the handshake finished");
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!handshaken) {
            return 0;
        }
        if (appIn.position() > 0) {
            return drainPlaintext(dst);
        }
        if (inboundDone) {
            return -1;
        }
        try {
            flush();
            for (int step = 0; step < MAX_STEPS; step++) {
                SSLEngineResult result = unwrap();
                switch (result.getStatus()) {
                    case OK:
                        answerPostHandshakeMessage(result.getHandshakeStatus());
                        if (appIn.position() > 0) {
                            return drainPlaintext(dst);
                        }
                        break; // a record without data, such as a TLS 1.3 session ticket
                    case BUFFER_UNDERFLOW:
                        int n = readRecordBytes();
                        if (n < 0) {
                            inboundDone = true;
                            return -1;
                        }
                        if (n == 0) {
                            return 0;
                        }
                        break;
                    case CLOSED:
                        inboundDone = true; // the broker sent close_notify
                        return -1;
                    default:
                        throw new SSLException("a TLS record does not fit the " + appIn.capacity() + "-byte buffer");
                }
            }
            return 0;
        } catch (SSLException e) {
            throw new IOException("TLS error on the link to " + tcp.endpoint().hostAndPort() + ": "
                    + explain(e, tcp.endpoint()), e);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!handshaken || !flush() || !src.hasRemaining()) {
            return 0;
        }
        try {
            int taken = wrap(src);
            flush();
            return taken;
        } catch (SSLException e) {
            throw new IOException("TLS error on the link to " + tcp.endpoint().hostAndPort() + ": "
                    + explain(e, tcp.endpoint()), e);
        }
    }

    @Override
    public void pause(long nanos) {
        tcp.pause(nanos);
    }

    @Override
    public void await(long timeoutMillis, boolean wantWrite) throws IOException {
        if (engine == null) {
            throw new IOException("transport is closed");
        }
        if (appIn.position() > 0 || holdsWholeRecord()) {
            return; // read() can make progress without the socket
        }
        if (!tcp.isConnected()) {
            tcp.await(timeoutMillis, false);
            return;
        }
        if (!handshaken) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK || (status == HandshakeStatus.NEED_WRAP && netOut.position() == 0)) {
                return;
            }
            tcp.await(timeoutMillis, netOut.position() > 0);
            return;
        }
        flush();
        tcp.await(timeoutMillis, wantWrite || netOut.position() > 0);
        flush();
    }

    @Override
    public void awaitWritable(long timeoutMillis) throws IOException {
        if (engine == null) {
            throw new IOException("transport is closed");
        }
        if (!handshaken) {
            await(timeoutMillis, true);
            return;
        }
        if (flush()) {
            return; // the socket took our last record: the caller can write again
        }
        tcp.awaitWritable(timeoutMillis);
        flush();
    }

    /** Nagle's algorithm on the socket below: it joins whole TLS records, one per write. */
    @Override
    public void coalesceSmallWrites(boolean coalesce) throws IOException {
        tcp.coalesceSmallWrites(coalesce);
    }

    @Override
    public void wakeup() {
        tcp.wakeup();
    }

    /** A socket option of the TCP connection below; lets tests check what reached it. */
    <T> T socketOption(SocketOption<T> name) throws IOException {
        return tcp.option(name);
    }

    @Override
    public boolean isOpen() {
        return engine != null && tcp.isOpen();
    }

    /** The negotiated protocol, such as "TLSv1.3", once {@link #finishOpen()} returned true. */
    public String protocol() {
        return handshaken ? engine.getSession().getProtocol() : "NONE";
    }

    @Override
    public void close() {
        if (engine != null && handshaken && tcp.isOpen()) {
            try {
                // Polite close_notify, best effort: one non-blocking write, never a wait.
                engine.closeOutbound();
                netOut.clear();
                engine.wrap(NO_BYTES, netOut);
                flush();
            } catch (IOException | RuntimeException ignored) {
                // The link is going away anyway; the broker copes with a missing close_notify.
            }
        }
        engine = null;
        handshaken = false;
        tcp.close();
    }

    private SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    /** Wraps into netOut, which the caller has flushed empty; returns the plaintext bytes taken. */
    private int wrap(ByteBuffer src) throws IOException {
        SSLEngineResult result = engine.wrap(src, netOut);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("the TLS session is closed");
        }
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("cannot wrap a TLS record: " + result.getStatus());
        }
        return result.bytesConsumed();
    }

    private int readRecordBytes() throws IOException {
        if (!netIn.hasRemaining()) {
            throw new SSLException("a TLS record does not fit the " + netIn.capacity() + "-byte buffer");
        }
        return tcp.read(netIn);
    }

    /** TLS 1.3 brokers may send session tickets or key updates at any time; a key update wants an answer. */
    private void answerPostHandshakeMessage(HandshakeStatus status) throws IOException {
        if (status == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && flush()) {
            wrap(NO_BYTES);
            flush();
        }
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Writes pending ciphertext; true when none is left. */
    private boolean flush() throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            tcp.write(netOut);
        } finally {
            netOut.compact();
        }
        return netOut.position() == 0;
    }

    private int drainPlaintext(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        appIn.compact();
        return n;
    }

    /** True when netIn already holds a complete record, so read() can progress with a quiet socket. */
    private boolean holdsWholeRecord() {
        if (netIn.position() < RECORD_HEADER_LENGTH) {
            return false;
        }
        int length = ((netIn.get(3) & 0xFF) << 8) | (netIn.get(4) & 0xFF);
        return netIn.position() >= RECORD_HEADER_LENGTH + length;
    }

    /** Turns the JDK's TLS failure into one sentence a user can act on. */
    static String explain(Throwable failure, Endpoint endpoint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TlsContext.ExplainedCertificateException) {
                return t.getMessage();
            }
        }
        String message = failure.getMessage() == null ? Problems.describe(failure) : failure.getMessage();
        String alertPrefix = "Received fatal alert: ";
        int alertAt = message.indexOf(alertPrefix);
        if (alertAt >= 0) {
            String alert = message.substring(alertAt + alertPrefix.length()).trim();
            return "the broker rejected the connection with TLS alert '" + alert + "'" + alertHint(alert);
        }
        if (message.contains("Unsupported or unrecognized SSL message")) {
            return "the broker did not answer in TLS; is port " + endpoint.port() + " a plain tcp:// listener?";
        }
        return message;
    }

    private static String alertHint(String alert) {
        switch (alert) {
            case "certificate_required":
            case "handshake_failure":
                return ": the broker probably requires a client certificate (set cert-file and key-file)";
            case "bad_certificate":
            case "unknown_ca":
            case "certificate_unknown":
            case "decrypt_error":
                return ": the broker does not accept the client certificate in cert-file (is it signed by a CA the"
                        + " broker trusts?)";
            case "certificate_expired":
                return ": the client certificate in cert-file has expired";
            case "protocol_version":
                return ": the broker speaks neither TLS 1.2 nor TLS 1.3";
            default:
                return "";
        }
    }
}
