package dev.sensorpub.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * A byte pipe to one broker, driven by one loop thread that must never block past its next deadline.
 * Nothing here waits on its own: connecting, the TLS handshake, reads and writes all return at once,
 * and {@link #await} is the only call that sleeps, for at most the time the caller allows.
 *
 * <p>Typical use: {@code open}, then {@code finishOpen} / {@code await} until it returns true or the
 * caller's connect deadline passes (then {@code close}); then {@code write} / {@code read} / {@code await}.
 * One instance may be opened again after {@code close}. Not thread-safe: one loop thread owns it.
 */
public interface Transport extends AutoCloseable {
    /** Starts connecting (non-blocking); DNS resolution may block briefly. Closes any earlier connection. */
    void open(Endpoint endpoint) throws IOException;

    /**
     * Drives the TCP connect and TLS handshake; true once MQTT bytes can flow. Throws with a clear
     * reason on failure (e.g. "connect to 10.0.0.5:1883 failed: connection refused").
     */
    boolean finishOpen() throws IOException;

    /** Non-blocking: bytes read into dst (0 if none ready), -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Non-blocking: bytes taken from src (may be fewer, 0 when the socket send buffer is full).
     * Over TLS, taken bytes may wait in the record buffer; {@link #await} and {@link #read} push them on.
     */
    int write(ByteBuffer src) throws IOException;

    /**
     * Waits until readable (or writable when wantWrite, or connect/handshake progress) or timeoutMillis
     * passes; returns at once when timeoutMillis is 0 or less. It may also return early for no reason:
     * callers re-check their deadlines.
     */
    void await(long timeoutMillis, boolean wantWrite) throws IOException;

    /**
     * Waits until the socket takes bytes again, ignoring bytes to read: for a caller that cannot
     * take any before it has written (its answers to them would not fit). Waiting for either
     * would return at once for the whole time a peer sends without reading ours.
     */
    default void awaitWritable(long timeoutMillis) throws IOException {
        await(timeoutMillis, true);
    }

    /**
     * Sleeps for {@code nanos} without watching the socket, so that answers arriving meanwhile
     * gather and one {@link #read} takes them all; that next read asks the socket whatever the one
     * before it found. {@link #wakeup} (or an unpark of the calling thread) ends it early.
     */
    default void pause(long nanos) {
        LockSupport.parkNanos(this, nanos);
    }

    /**
     * Whether the kernel may hold a small write while earlier bytes of ours are unacknowledged, to
     * send it with what follows in one segment (Nagle's algorithm). Off on every new connection: on
     * a fast link each write leaves at once, which the answer pause relies on. On a thin link a
     * segment costs more header bytes than a reading, and holding writes until the broker's answer
     * arrives puts all the readings of one round trip into one segment. Applies to the open
     * connection; the caller sets it only when its decision changes.
     */
    void coalesceSmallWrites(boolean coalesce) throws IOException;

    /**
     * What the kernel says of this connection's bytes now, or {@link TcpProgress#UNKNOWN} when the
     * system does not tell (the default). It reads kernel state and may allocate: not for every
     * message.
     */
    default TcpProgress tcpProgress() {
        return TcpProgress.UNKNOWN;
    }

    boolean isOpen();

    /** From any thread: makes a pending or the next {@link #await} return at once. */
    void wakeup();

    /** Idempotent, never throws. */
    @Override
    void close();
}
