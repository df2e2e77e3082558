package dev.sensorpub.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * Drives a transport the way the session's loop will: non-blocking calls plus {@code await} up to a
 * deadline. Allocation-free unless something fails, so the allocation tests can use it.
 */
final class Drive {
    private Drive() {
    }

    static long deadline(long timeoutMillis) {
        return System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    private static long millisLeft(long deadlineNanos) {
        return (deadlineNanos - System.nanoTime()) / 1_000_000L;
    }

    /** Opens and finishes the connect (and handshake) or throws when the deadline passes. */
    static void open(Transport transport, Endpoint endpoint, long timeoutMillis) throws IOException {
        long deadline = deadline(timeoutMillis);
        transport.open(endpoint);
        while (!transport.finishOpen()) {
            long left = millisLeft(deadline);
            if (left <= 0) {
                transport.close();
                throw new SocketTimeoutException("connect to " + endpoint.hostAndPort() + " timed out after "
                        + timeoutMillis + " ms");
            }
            transport.await(left, false);
        }
    }

    static void writeAll(Transport transport, ByteBuffer src, long deadlineNanos) throws IOException {
        while (src.hasRemaining()) {
            if (transport.write(src) == 0) {
                long left = millisLeft(deadlineNanos);
                if (left <= 0) {
                    throw new SocketTimeoutException("write did not finish before the deadline");
                }
                transport.await(left, true);
            }
        }
    }

    /** Reads until dst is full. */
    static void readFully(Transport transport, ByteBuffer dst, long deadlineNanos) throws IOException {
        while (dst.hasRemaining()) {
            int n = transport.read(dst);
            if (n < 0) {
                throw new EOFException("end of stream after " + dst.position() + " bytes");
            }
            if (n == 0) {
                long left = millisLeft(deadlineNanos);
                if (left <= 0) {
                    throw new SocketTimeoutException("read " + dst.position() + " of " + dst.limit()
                            + " bytes before the deadline");
                }
                transport.await(left, false);
            }
        }
    }

    /** Sends all of {@code out} and reads {@code in} full, {@code rounds} times; for the allocation tests. */
    static void echoRoundTrips(Transport transport, ByteBuffer out, ByteBuffer in, int rounds, long deadlineNanos)
            throws IOException {
        for (int i = 0; i < rounds; i++) {
            out.clear();
            in.clear();
            writeAll(transport, out, deadlineNanos);
            readFully(transport, in, deadlineNanos);
        }
    }

    /** Reads and discards until the transport reports end of stream; returns what the last read returned. */
    static int readUntilEndOfStream(Transport transport, long timeoutMillis) throws IOException {
        long deadline = deadline(timeoutMillis);
        ByteBuffer sink = ByteBuffer.allocate(1024);
        int n;
        while ((n = transport.read(sink)) >= 0 && System.nanoTime() < deadline) {
            sink.clear();
            if (n == 0) {
                transport.await(100, false);
            }
        }
        return n;
    }

    /** Writes bytes and reads back exactly {@code expectLength} bytes. */
    static byte[] exchange(Transport transport, byte[] send, int expectLength, long timeoutMillis) throws IOException {
        long deadline = deadline(timeoutMillis);
        writeAll(transport, ByteBuffer.wrap(send), deadline);
        ByteBuffer reply = ByteBuffer.allocate(expectLength);
        readFully(transport, reply, deadline);
        return reply.array();
    }
}
