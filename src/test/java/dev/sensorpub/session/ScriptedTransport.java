package dev.sensorpub.session;

import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.TcpProgress;
import dev.sensorpub.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A socket whose two directions the test controls: bytes to deliver, whether writes are taken,
 * and when the broker closes. Each {@link #open} is a fresh connection.
 */
final class ScriptedTransport implements Transport {
    private ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private int delivered;
    private boolean open;
    private boolean closedByBroker;
    private int opens;
    /** host:port of every connection opened, in order. */
    final java.util.List<String> opened = new java.util.ArrayList<>();
    boolean writable = true;
    /** Pauses taken (in nanoseconds) and awaits on the socket, in order: "pause" or "await". */
    final java.util.List<String> waits = new java.util.ArrayList<>();
    /** Delivered once the client next writes: answers a broker with Nagle's algorithm held back. */
    byte[] releasedByNextWrite;
    /** Bytes the socket will still take; the test refills it per step to play a thin uplink. */
    long writeBudget = Long.MAX_VALUE;
    /** Reads that returned bytes, on every connection. */
    int readsWithData;
    /** Whether the last {@link #await} asked to wake when the socket can take bytes. */
    boolean lastAwaitWantedWrite;
    /** Every {@link #coalesceSmallWrites} call, in order, on every connection. */
    final java.util.List<Boolean> coalesceCalls = new java.util.ArrayList<>();
    /** For each {@link #coalesceCalls} entry: how many bytes the current connection had taken before it. */
    final java.util.List<Integer> coalescedAfterBytes = new java.util.ArrayList<>();

    /** What {@link #tcpProgress} tells: the broker's TCP acknowledgements the test plays (-1: unknown). */
    long acknowledged = -1;
    /** What {@link #tcpProgress} tells of resends. */
    int resendTimeouts = -1;
    /** What {@link #tcpProgress} tells of the retransmission timeout. */
    long retransmitTimeoutMillis = -1;
    /** What {@link #tcpProgress} tells of the broker's window. */
    boolean windowClosed;
    /** With {@link #brokerClosesAfterDelivered}: the end of the stream after this many bytes, else -1. */
    private int closeAfterBytes = -1;

    /** The next read sees the end of the stream. */
    void brokerCloses() {
        closedByBroker = true;
    }

    /** A reset (RST): what the client has not read yet is lost, and the next read sees the end. */
    void brokerResets() {
        byte[] read = java.util.Arrays.copyOf(toClient.toByteArray(), delivered);
        toClient = new ByteArrayOutputStream();
        toClient.writeBytes(read);
        closedByBroker = true;
    }

    /** The reads take what was delivered so far, then see the end of the stream. */
    void brokerClosesAfterDelivered() {
        closeAfterBytes = toClient.size();
    }

    int opens() {
        return opens;
    }

    void deliver(byte[] bytes) {
        toClient.writeBytes(bytes);
    }

    /** What the client wrote on the current connection. */
    byte[] written() {
        return fromClient.toByteArray();
    }

    @Override
    public void open(Endpoint endpoint) {
        open = true;
        opens++;
        opened.add(endpoint.hostAndPort());
        closedByBroker = false;
        closeAfterBytes = -1;
        toClient = new ByteArrayOutputStream();
        fromClient = new ByteArrayOutputStream();
        delivered = 0;
        acknowledged = acknowledged < 0 ? -1 : 0;
    }

    @Override
    public void coalesceSmallWrites(boolean coalesce) {
        coalesceCalls.add(coalesce);
        coalescedAfterBytes.add(fromClient.size());
    }

    @Override
    public boolean finishOpen() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (closedByBroker || closeAfterBytes >= 0 && delivered >= closeAfterBytes) {
            return -1;
        }
        byte[] all = toClient.toByteArray();
        int n = Math.min(dst.remaining(), all.length - delivered);
        dst.put(all, delivered, n);
        delivered += n;
        if (n > 0) {
            readsWithData++;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        if (!writable) {
            return 0;
        }
        int n = (int) Math.min(src.remaining(), writeBudget);
        if (n == 0) {
            return 0;
        }
        writeBudget -= n;
        byte[] bytes = new byte[n];
        src.get(bytes);
        fromClient.writeBytes(bytes);
        if (releasedByNextWrite != null) {
            toClient.writeBytes(releasedByNextWrite);
            releasedByNextWrite = null;
        }
        return n;
    }

    @Override
    public void await(long timeoutMillis, boolean wantWrite) {
        waits.add("await");
        lastAwaitWantedWrite = wantWrite;
    }

    @Override
    public void pause(long nanos) {
        waits.add("pause");
    }

    @Override
    public TcpProgress tcpProgress() {
        return acknowledged < 0 ? TcpProgress.UNKNOWN : new TcpProgress(acknowledged, resendTimeouts, retransmitTimeoutMillis,
                windowClosed);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void wakeup() {
    }

    @Override
    public void close() {
        open = false;
    }
}
