package dev.sensorpub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that plays a radio link: it forwards bytes both ways until
 * {@link #blackHole()}, then lets them vanish like a vehicle entering a tunnel, until {@link #restore()}
 * or {@link #reset()}.
 *
 * <p>How the black hole works, and why: the proxy simply stops reading and writing. It neither discards
 * bytes nor closes anything. In a real tunnel no FIN or RST arrives and nothing is acknowledged end to
 * end; TCP keeps unacknowledged bytes and retransmits them, so if the link returns in time they arrive,
 * in order, exactly once. Not reading reproduces that: bytes wait in the socket buffers (the client's
 * writes succeed for a while, then its send buffer fills) and flow again, in order, on restore().
 * Reading and discarding instead would drop bytes from the middle of a live TCP stream, which TCP never
 * does, and would desynchronise the MQTT framing in a way no real network can. New connections during
 * the black hole complete in the kernel's backlog but are not accepted, so they see a connected socket
 * on which nothing ever arrives, as when a SYN slips through but nothing after it does.
 *
 * <p>One thread does all the forwarding (non-blocking sockets, one selector), so the thread count is
 * bounded whatever the tests do; {@link #close()} stops it and closes every socket.
 */
public final class BlackHoleProxy implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long COMMAND_TIMEOUT_MILLIS = 5_000;

    private final InetSocketAddress target;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey acceptKey;
    private final Thread thread;
    private final Queue<FutureTask<Void>> commands = new ConcurrentLinkedQueue<>();
    private final List<Link> links = new ArrayList<>(); // loop thread only
    private final AtomicLong bytesToServer = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Tap tap;
    private volatile boolean blackHoled;
    private volatile boolean running = true;

    private BlackHoleProxy(String targetHost, int targetPort, Tap tap) throws IOException {
        this.tap = tap;
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(HOST, 0));
        listener.configureBlocking(false);
        this.acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::loop, "black-hole-proxy-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards to targetHost:targetPort. */
    public static BlackHoleProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, null);
    }

    /** As {@link #start(String, int)}, showing {@code tap} every byte the proxy reads, in order. */
    public static BlackHoleProxy start(String targetHost, int targetPort, Tap tap) {
        try {
            return new BlackHoleProxy(targetHost, targetPort, tap);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the proxy", e);
        }
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    /** {@code tcp://127.0.0.1:port} */
    public String url() {
        return "tcp://" + HOST + ":" + port();
    }

    /** Stops forwarding in both directions on every connection, closing nothing. Returns once in effect. */
    public void blackHole() {
        onLoop(() -> {
            blackHoled = true;
            updateInterests();
        });
    }

    /** Resumes forwarding on the same connections; bytes held during the black hole flow first, in order. */
    public void restore() {
        onLoop(() -> {
            blackHoled = false;
            updateInterests();
        });
    }

    /** Closes every connection with a TCP reset (SO_LINGER 0) on both sides; keeps listening. */
    public void reset() {
        onLoop(() -> {
            for (Link link : new ArrayList<>(links)) {
                link.closeAbruptly();
            }
        });
    }

    public boolean isBlackHoled() {
        return blackHoled;
    }

    /** Bytes written to the target (broker) so far. */
    public long bytesToServer() {
        return bytesToServer.get();
    }

    /** Bytes written back to clients so far. */
    public long bytesToClient() {
        return bytesToClient.get();
    }

    /** Connections accepted since start. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections currently forwarded (or held in the black hole). */
    public int openConnections() {
        return open.get();
    }

    /** Waits until at least {@code count} connections were accepted; false on timeout. */
    public boolean awaitConnectionsAccepted(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (accepted.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(COMMAND_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onLoop(Runnable action) {
        if (!running) {
            throw new IllegalStateException("the proxy is closed");
        }
        FutureTask<Void> task = new FutureTask<>(action, null);
        commands.add(task);
        selector.wakeup();
        try {
            task.get(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("proxy command failed", e);
        }
    }

    private void loop() {
        try {
            while (running) {
                selector.select(this::handle, 100);
                FutureTask<Void> command;
                while ((command = commands.poll()) != null) {
                    command.run();
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("black-hole proxy on port " + port() + " stopped: " + e);
        } finally {
            for (Link link : new ArrayList<>(links)) {
                link.closeAbruptly();
            }
            closeQuietly(listener);
            try {
                selector.close();
            } catch (IOException ignored) {
                // Shutting down.
            }
            FutureTask<Void> command;
            while ((command = commands.poll()) != null) {
                command.cancel(false);
            }
        }
    }

    private void handle(SelectionKey key) {
        if (key == acceptKey) {
            accept();
            return;
        }
        if (!key.isValid()) {
            return; // its link was closed earlier in this same select pass
        }
        Side side = (Side) key.attachment();
        try {
            side.link.pump(side);
        } catch (IOException e) {
            side.link.closeAbruptly(); // one side broke: the other sees a reset, as on a real network
        }
    }

    private void accept() {
        SocketChannel client = null;
        SocketChannel server = null;
        try {
            client = listener.accept();
            if (client == null) {
                return;
            }
            accepted.incrementAndGet();
            server = SocketChannel.open();
            server.socket().connect(target, 2_000); // loopback target: immediate
            for (SocketChannel channel : new SocketChannel[] {client, server}) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            links.add(new Link(client, server, accepted.get()));
            open.incrementAndGet();
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void updateInterests() {
        acceptKey.interestOps(blackHoled ? 0 : SelectionKey.OP_ACCEPT);
        for (Link link : links) {
            link.updateInterests();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already broken.
            }
        }
    }

    /**
     * Sees the bytes of every connection as the proxy reads them, on the proxy's thread: what the
     * client wrote ({@code toServer}) and what the server wrote, each in the order written. Bytes
     * read just before a {@link #reset()} are seen although they never reach the other side.
     */
    public interface Tap {
        /** {@code connection}: 1 for the first accepted, 2 for the next, ...; {@code data}: the bytes read. */
        void read(int connection, boolean toServer, ByteBuffer data);
    }

    /** Bytes flowing one way: read from {@code from}, held in {@code buffer}, written to {@code to}. */
    private static final class Pipe {
        final SocketChannel from;
        final SocketChannel to;
        final AtomicLong counter;
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE); // fill mode
        boolean endOfStream;
        boolean outputShut;

        Pipe(SocketChannel from, SocketChannel to, AtomicLong counter) {
            this.from = from;
            this.to = to;
            this.counter = counter;
        }

        boolean pending() {
            return buffer.position() > 0;
        }

        void flush() throws IOException {
            if (!pending()) {
                return;
            }
            buffer.flip();
            counter.addAndGet(to.write(buffer));
            buffer.compact();
        }
    }

    /** One socket of a link, with the pipe it feeds and the pipe that feeds it. */
    private static final class Side {
        final Link link;
        final Pipe out;
        final Pipe in;
        SelectionKey key;

        Side(Link link, Pipe out, Pipe in) {
            this.link = link;
            this.out = out;
            this.in = in;
        }
    }

    /** One proxied connection: client socket, server socket, a pipe each way. */
    private final class Link {
        final Pipe toServer;
        final Pipe toClient;
        final Side clientSide;
        final Side serverSide;
        final int number;

        Link(SocketChannel client, SocketChannel server, int number) throws IOException {
            this.number = number;
            toServer = new Pipe(client, server, bytesToServer);
            toClient = new Pipe(server, client, bytesToClient);
            clientSide = new Side(this, toServer, toClient);
            serverSide = new Side(this, toClient, toServer);
            clientSide.key = client.register(selector, 0, clientSide);
            serverSide.key = server.register(selector, 0, serverSide);
            updateInterests();
        }

        void pump(Side side) throws IOException {
            if (blackHoled) {
                return;
            }
            if (side.key.isReadable()) {
                int n = side.out.from.read(side.out.buffer);
                if (n < 0) {
                    side.out.endOfStream = true;
                } else if (n > 0 && tap != null) {
                    ByteBuffer data = side.out.buffer.duplicate().flip();
                    tap.read(number, side.out == toServer, data.position(data.limit() - n));
                }
            }
            side.out.flush();
            side.in.flush();
            shutDownFinishedDirections(toServer);
            shutDownFinishedDirections(toClient);
            if (toServer.outputShut && toClient.outputShut) {
                close();
            } else {
                updateInterests();
            }
        }

        /** Passes a FIN on once every byte before it has been forwarded. */
        private void shutDownFinishedDirections(Pipe pipe) throws IOException {
            if (pipe.endOfStream && !pipe.pending() && !pipe.outputShut) {
                pipe.to.shutdownOutput();
                pipe.outputShut = true;
            }
        }

        void updateInterests() {
            if (!clientSide.key.isValid() || !serverSide.key.isValid()) {
                return;
            }
            clientSide.key.interestOps(interest(clientSide));
            serverSide.key.interestOps(interest(serverSide));
        }

        private int interest(Side side) {
            if (blackHoled) {
                return 0;
            }
            int ops = 0;
            if (!side.out.endOfStream && side.out.buffer.hasRemaining()) {
                ops |= SelectionKey.OP_READ;
            }
            if (side.in.pending()) {
                ops |= SelectionKey.OP_WRITE;
            }
            return ops;
        }

        void closeAbruptly() {
            for (Pipe pipe : new Pipe[] {toServer, toClient}) {
                try {
                    pipe.from.setOption(StandardSocketOptions.SO_LINGER, 0);
                } catch (IOException | RuntimeException ignored) {
                    // Already closed.
                }
            }
            close();
        }

        void close() {
            if (links.remove(this)) {
                open.decrementAndGet();
            }
            closeQuietly(toServer.from);
            closeQuietly(toClient.from);
        }
    }
}
