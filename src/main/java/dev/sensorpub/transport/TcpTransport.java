package dev.sensorpub.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Plain TCP: one non-blocking {@link SocketChannel} and one {@link Selector} per connection.
 * The read, write and await path allocates nothing (measured in the tests): the selector reports
 * through {@link Selector#select(Consumer, long)} to a consumer that captures nothing, so no
 * selected-key set is ever filled.
 *
 * <p>System calls are the cost of a message on a small board, so none is made whose answer is
 * already known: a read that filled less than it was offered found the socket empty, and a write
 * that took less than it was offered found the send buffer full. The next read (or write) after
 * such a one returns 0 at once, and so does the first read after an {@link #await} that found
 * nothing ready (it timed out or was woken). Only that one call is skipped: the call after it
 * asks the socket again, so a caller still sees every byte, one call later. A write that took
 * bytes, and a {@link #pause}, make the next read ask again: our segment carries the TCP
 * acknowledgement that lets a broker with Nagle's algorithm (mosquitto's default) send the answers
 * it held back, and on a fast link they are in our socket before the write returns.
 */
public final class TcpTransport implements Transport {
    /** The loop retries read and write after every wake-up, so which key fired does not matter. */
    private static final Consumer<SelectionKey> IGNORE_READY_KEY = key -> { };

    private Endpoint endpoint;
    private SocketChannel channel;
    private volatile Selector selector;
    private SelectionKey key;
    private boolean connected;
    /** The last read came back short: the next one returns 0 without asking the kernel. */
    private boolean readDrained;
    /** The last write came back short: the next one returns 0 without asking the kernel. */
    private boolean writeFull;
    /** Bytes the socket took on this connection. */
    private long bytesWritten;
    /** This connection's addresses, once connected: how the kernel's tables name it. */
    private InetSocketAddress localAddress;
    private InetSocketAddress remoteAddress;

    @Override
    public void open(Endpoint endpoint) throws IOException {
        if (endpoint.isTls()) {
            throw new IllegalArgumentException(endpoint + " needs TLS: open it with a TlsTransport");
        }
        openChannel(endpoint);
    }

    /** Starts the TCP connect to any endpoint; the TLS transport uses this for its own socket. */
    void openChannel(Endpoint endpoint) throws IOException {
        close();
        this.endpoint = endpoint;
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new IOException("connect to " + endpoint.hostAndPort() + " failed: unknown host");
        }
        try {
            selector = Selector.open();
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            // Small MQTT packets leave at once until the session finds the link thin (see
            // coalesceSmallWrites); keepalive lets the kernel eventually reap a connection the
            // broker forgot, as a backstop to MQTT's own keepalive.
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            connected = channel.connect(address);
            key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            if (connected) {
                learnAddresses();
            }
        } catch (IOException e) {
            close();
            throw connectFailure(endpoint, e);
        }
    }

    @Override
    public boolean finishOpen() throws IOException {
        if (connected) {
            return true;
        }
        if (channel == null) {
            throw new IOException("transport is closed; call open first");
        }
        try {
            connected = channel.finishConnect();
        } catch (IOException e) {
            Endpoint failed = endpoint;
            close();
            throw connectFailure(failed, e);
        }
        if (connected) {
            key.interestOps(SelectionKey.OP_READ);
            learnAddresses();
        }
        return connected;
    }

    private void learnAddresses() throws IOException {
        if (channel.getLocalAddress() instanceof InetSocketAddress local
                && channel.getRemoteAddress() instanceof InetSocketAddress remote) {
            localAddress = local;
            remoteAddress = remote;
        }
    }

    private static IOException connectFailure(Endpoint endpoint, IOException cause) {
        String where = "connect to " + endpoint.hostAndPort();
        if (cause instanceof ConnectException) {
            return new IOException(where + " failed: connection refused", cause);
        }
        if (cause instanceof NoRouteToHostException) {
            return new IOException(where + " failed: no route to host", cause);
        }
        return new IOException(where + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        SocketChannel c = liveChannel();
        if (readDrained) {
            readDrained = false;
            return 0;
        }
        int n = c.read(dst);
        readDrained = n > 0 && dst.hasRemaining();
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        SocketChannel c = liveChannel();
        if (writeFull) {
            writeFull = false;
            return 0;
        }
        int n = c.write(src);
        writeFull = n > 0 && src.hasRemaining();
        if (n > 0) {
            readDrained = false;
            bytesWritten += n;
        }
        return n;
    }

    private SocketChannel liveChannel() throws IOException {
        if (channel == null) {
            throw new IOException("transport is closed");
        }
        return channel;
    }

    @Override
    public void await(long timeoutMillis, boolean wantWrite) throws IOException {
        int ops = !connected ? SelectionKey.OP_CONNECT
                : wantWrite ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        int ready = select(ops, timeoutMillis);
        // Nothing ready (a timeout or a wakeup): the socket had nothing to read just now.
        readDrained = ready == 0 && connected;
    }

    @Override
    public void awaitWritable(long timeoutMillis) throws IOException {
        if (!connected) {
            await(timeoutMillis, true);
            return;
        }
        select(SelectionKey.OP_WRITE, timeoutMillis);
    }

    /** Waits up to {@code timeoutMillis} (0: not at all) for {@code ops}; how many keys were ready. */
    private int select(int ops, long timeoutMillis) throws IOException {
        liveChannel();
        writeFull = false;
        // Changing the interest set queues a selector update; skip it when nothing changed.
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
        return timeoutMillis > 0 ? selector.select(IGNORE_READY_KEY, timeoutMillis)
                : selector.selectNow(IGNORE_READY_KEY);
    }

    @Override
    public void pause(long nanos) {
        readDrained = false;
        LockSupport.parkNanos(this, nanos);
    }

    @Override
    public void wakeup() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    public void coalesceSmallWrites(boolean coalesce) throws IOException {
        liveChannel().setOption(StandardSocketOptions.TCP_NODELAY, !coalesce);
    }

    /** From the kernel's send queue on Linux (see {@link KernelSendQueue}); unknown elsewhere. */
    @Override
    public TcpProgress tcpProgress() {
        KernelSendQueue.Entry entry = connected && localAddress != null ? KernelSendQueue.lookUp(localAddress, remoteAddress) : null;
        return entry == null ? TcpProgress.UNKNOWN
                : new TcpProgress(bytesWritten - entry.unacknowledged(), entry.timeouts(),
                        entry.retransmitTimeoutMillis(), entry.windowProbed());
    }

    @Override
    public boolean isOpen() {
        return channel != null && channel.isOpen();
    }

    /** True once the TCP connect completed. */
    boolean isConnected() {
        return connected;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** A socket option of the open connection; lets tests check what open() set. */
    <T> T option(SocketOption<T> name) throws IOException {
        return liveChannel().getOption(name);
    }

    @Override
    public void close() {
        connected = false;
        readDrained = false;
        writeFull = false;
        bytesWritten = 0;
        localAddress = null;
        remoteAddress = null;
        key = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing can only fail on an already broken socket; it is gone either way.
            }
            channel = null;
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // Same: nothing left to release.
            }
            selector = null;
        }
    }
}
