package dev.sensorpub.session;

import dev.sensorpub.codec.ConnectPacket;
import dev.sensorpub.codec.ConnectReturnCode;
import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.PacketDecoder;
import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.Endpoints;
import dev.sensorpub.transport.TlsContext;
import dev.sensorpub.transport.TlsSettings;
import dev.sensorpub.transport.TlsTransport;
import dev.sensorpub.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The connection to one broker at a time: connect, CONNACK, failover across the server list,
 * reconnect backoff, and the bytes in and out of the socket.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>The state only moves WAITING → CONNECTING → AWAITING_CONNACK → CONNECTED → WAITING
 *       (or to CLOSED); any failure on the way returns to WAITING with a reconnect time set.</li>
 *   <li>Every connection starts with an empty send buffer and an empty decoder.</li>
 *   <li>{@link LinkEvents#linkUp} runs once per accepted CONNACK, {@link LinkEvents#linkDown}
 *       once per link lost after it: the delivery parts never see a half-open link.</li>
 *   <li>Before a CONNACK is accepted a failure counts against the current server and moves on to
 *       the next; the reconnect delay grows once the whole list has been tried.</li>
 *   <li>Every connection starts with each small write leaving at once; the socket is told only
 *       when the session's wish to coalesce them changes.</li>
 * </ul>
 */
final class BrokerLink {
    private static final Logger LOG = Log.logger("mqtt");
    /** The longest close reason of ours (see {@link #closedReason}). */
    static final String CLOSED_MID_PACKET = "broker closed mid-packet";

    /** What the delivery parts do when a link comes up or goes away. */
    interface LinkEvents {
        /** {@code server}: the position of the link's server in the failover list. */
        void linkUp(long linkNumber, int server, boolean sessionPresent, long nowMillis);

        void linkDown();
    }

    private final SessionSettings settings;
    private final Endpoints endpoints;
    private final ConnectPacket connectPacket;
    private final Transport tcp;
    private final TlsTransport tls;
    /** Volatile so that a wakeup from a listener thread sees the current one. */
    private volatile Transport transport;
    private final PacketDecoder decoder;
    /** Received bytes pass through this direct buffer into the decoder (see {@link SendBuffer} for why). */
    private final ByteBuffer receiveStage;
    private final SendBuffer out;
    private final Backoff backoff;
    private final SessionCounters counters;
    private final KeepAlive keepAlive;
    private LinkEvents events;

    /** Volatile only so that tests and the status line may read it from another thread. */
    private volatile LinkState state = LinkState.WAITING;
    /** Counts accepted CONNACKs: in-flight entries remember the link they were last sent on. */
    private long number;
    private long reconnectAtMillis;
    private long attemptDeadlineMillis;
    private long connectedAtMillis;
    private int lastConnackCode = -1;
    private boolean lastSessionPresent;
    /** Whether this connection's socket holds small writes back to join them (Nagle's algorithm). */
    private boolean coalescing;

    BrokerLink(SessionSettings settings, ConnectPacket connectPacket, Transport plain, SendBuffer out,
            KeepAlive keepAlive, SessionCounters counters, long seed) {
        this.settings = settings;
        this.endpoints = Endpoints.parse(settings.servers);
        this.connectPacket = connectPacket;
        this.tcp = plain;
        this.tls = anyTls(endpoints) ? new TlsTransport(TlsContext.create(
                settings.tls == null ? TlsSettings.systemTrust() : settings.tls)) : null;
        this.decoder = new PacketDecoder(settings.maxPacketSize);
        this.decoder.skipOversizedPublish(true);
        this.receiveStage = ByteBuffer.allocateDirect(Math.min(settings.maxPacketSize, 64 * 1024));
        this.out = out;
        this.keepAlive = keepAlive;
        this.counters = counters;
        this.backoff = new Backoff(settings.reconnectMinDelayMillis, settings.reconnectMaxDelayMillis,
                settings.reconnectResetAfterMillis, seed);
    }

    void events(LinkEvents listener) {
        this.events = listener;
    }

    private static boolean anyTls(Endpoints endpoints) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).isTls()) {
                return true;
            }
        }
        return false;
    }

    LinkState state() {
        return state;
    }

    boolean isOpen() {
        return state == LinkState.CONNECTED || state == LinkState.AWAITING_CONNACK;
    }

    long number() {
        return number;
    }

    Endpoint currentServer() {
        return endpoints.current();
    }

    int lastConnackCode() {
        return lastConnackCode;
    }

    boolean lastSessionPresent() {
        return lastSessionPresent;
    }

    PacketDecoder decoder() {
        return decoder;
    }

    Transport transport() {
        return transport;
    }

    long reconnectAtMillis() {
        return reconnectAtMillis;
    }

    long attemptDeadlineMillis() {
        return attemptDeadlineMillis;
    }

    // ------------------------------------------------------------------ connecting

    void startConnect(long nowMillis) {
        Endpoint endpoint = endpoints.current();
        transport = endpoint.isTls() ? tls : tcp;
        attemptDeadlineMillis = nowMillis + settings.connectTimeoutMillis;
        decoder.reset();
        out.clear();
        coalescing = false;
        try {
            transport.open(endpoint);
            state = LinkState.CONNECTING;
            driveConnect(nowMillis);
        } catch (IOException | RuntimeException e) {
            connectFailed(nowMillis, Problems.describe(e), false);
        }
    }

    void driveConnect(long nowMillis) {
        try {
            if (transport.finishOpen()) {
                out.commit(PacketEncoder.encodeConnect(out.bytes(), out.reserve(PacketEncoder.connectSize(connectPacket)),
                        connectPacket));
                state = LinkState.AWAITING_CONNACK;
                keepAlive.heard(nowMillis);
                flush(nowMillis);
            } else if (nowMillis >= attemptDeadlineMillis) {
                connectFailed(nowMillis, "no connect in " + settings.connectTimeoutMillis + " ms", false);
            }
        } catch (IOException e) {
            connectFailed(nowMillis, Problems.describe(e), false);
        }
    }

    /** While awaiting CONNACK: gives up on this server once the attempt's time is over. */
    boolean connackOverdue(long nowMillis) {
        if (nowMillis >= attemptDeadlineMillis) {
            connectFailed(nowMillis, "no CONNACK in " + settings.connectTimeoutMillis + " ms", false);
            return true;
        }
        return false;
    }

    /** The broker's answer to CONNECT: the link is up, or this server failed. */
    void onConnack(IncomingPacket packet, long nowMillis) {
        int code = packet.returnCode();
        lastConnackCode = code;
        lastSessionPresent = packet.sessionPresent();
        if (code != ConnectReturnCode.ACCEPTED) {
            // "10.0.0.5:1883 refused: not authorized (5)": the words for each code, and what to do
            // about the ones that will not fix themselves, are in the README's Troubleshooting.
            connectFailed(nowMillis, endpoints.current().hostAndPort() + " " + ConnectReturnCode.describe(code),
                    !ConnectReturnCode.isTransient(code));
            return;
        }
        boolean sessionPresent = packet.sessionPresent();
        state = LinkState.CONNECTED;
        number++;
        connectedAtMillis = nowMillis;
        counters.connects++;
        LOG.info("connected to " + endpoints.current().hostAndPort() + " (session present: "
                + (sessionPresent ? "yes" : "no") + ")");
        events.linkUp(number, endpoints.position(), sessionPresent, nowMillis);
    }

    /**
     * This server did not give us a session: try the next one at once, backing off after a full
     * round. A refusal that will not fix itself is a fact about this server only, so it makes the
     * wait after the round the longest, but does not keep the next server waiting.
     */
    private void connectFailed(long nowMillis, String reason, boolean permanent) {
        counters.connectFailures++;
        Endpoint failed = endpoints.current();
        closeTransport();
        state = LinkState.WAITING;
        if (permanent) {
            backoff.jumpToMax();
        }
        boolean triedAll = endpoints.advance();
        long delay = triedAll ? backoff.nextDelayMillis() : 0;
        reconnectAtMillis = nowMillis + delay;
        LOG.warn(connectFailedLine(failed.hostAndPort(), reason, delay, endpoints.current().hostAndPort()));
    }

    /**
     * {@code "10.0.0.5:1883: no CONNACK in 10000 ms; retry in 2000 ms"}, {@code "; next 10.0.0.6:1883"}
     * at once, or {@code "; retry all in 2000 ms"} when the round over the list starts again from its
     * first server: "retry" alone would say the server just named is next.
     */
    static String connectFailedLine(String failed, String reason, long delay, String next) {
        // The transport's reasons and a refusal name the server already: said once, the line stays short.
        return (reason.contains(failed) ? reason : failed + ": " + reason)
                + (delay == 0 ? "; next " + next
                        : (next.equals(failed) ? "; retry in " : "; retry all in ") + delay + " ms");
    }

    // ------------------------------------------------------------------ bytes

    /**
     * Reads what the socket has into the decoder.
     *
     * @return the bytes read, 0 if none, -1 if the broker closed (the caller then calls
     *     {@link #lost} with {@link #closedReason()})
     */
    int receive(long nowMillis) throws IOException {
        receiveStage.clear().limit(Math.min(receiveStage.capacity(), decoder.writableBytes()));
        int n = transport.read(receiveStage);
        if (n < 0) {
            return -1;
        }
        if (n > 0) {
            receiveStage.flip().get(decoder.buffer(), decoder.writeOffset(), n);
            decoder.commit(n);
            keepAlive.heard(nowMillis);
        }
        return n;
    }

    String closedReason() {
        return decoder.pendingBytes() > 0 ? CLOSED_MID_PACKET : "broker closed";
    }

    void flush(long nowMillis) throws IOException {
        int n = out.flush(transport);
        keepAlive.flushed(nowMillis, n > 0, out.written());
    }

    /** Like {@link #flush}, keeping the last packet back (see {@link SendBuffer#flushHoldingLast}). */
    void flushHoldingLast(long nowMillis) throws IOException {
        int n = out.flushHoldingLast(transport);
        keepAlive.flushed(nowMillis, n > 0, out.written());
    }

    /** Tells the socket whether to join small writes (see {@link Transport#coalesceSmallWrites}), if that changed. */
    void coalesceSmallWrites(boolean coalesce) throws IOException {
        if (coalesce != coalescing) {
            transport.coalesceSmallWrites(coalesce);
            coalescing = coalesce;
        }
    }

    /** Whether the answer to one more broker packet fits, pushing bytes to the socket first if not. */
    boolean roomForAnAnswer(long nowMillis) throws IOException {
        if (out.free() >= SendBuffer.CONTROL_RESERVE) {
            return true;
        }
        flush(nowMillis);
        return out.free() >= SendBuffer.CONTROL_RESERVE;
    }

    /** Sleeps until socket activity, a wakeup, or the timeout; false if there is no open socket. */
    boolean await(long timeoutMillis, long nowMillis) {
        Transport current = transport;
        if (current == null || !current.isOpen()) {
            return false;
        }
        try {
            if (state == LinkState.CONNECTED && out.hasUnwritten() && out.free() < SendBuffer.CONTROL_RESERVE) {
                // No room to answer what the broker sends: until the socket takes our bytes,
                // unread ones are no reason to wake (a broker that sends but never reads us).
                current.awaitWritable(timeoutMillis);
            } else {
                current.await(timeoutMillis, out.hasUnwritten() || state == LinkState.CONNECTING);
            }
        } catch (IOException e) {
            lost(nowMillis, "wait on socket failed: " + Problems.describe(e));
        }
        return true;
    }

    /** Sleeps without watching the socket (see {@link Transport#pause}); false if there is no open socket. */
    boolean pause(long nanos) {
        Transport current = transport;
        if (current == null || !current.isOpen()) {
            return false;
        }
        current.pause(nanos);
        return true;
    }

    void wakeup() {
        Transport current = transport;
        if (current != null) {
            current.wakeup();
        }
    }

    // ------------------------------------------------------------------ losing the link

    /** Before CONNACK a failure counts against this server (and fails over); after, it is a lost link. */
    void lost(long nowMillis, String reason) {
        lost(nowMillis, reason, false);
    }

    /** The broker broke the protocol: never a sign of a good server, so no backoff reset. */
    void protocolError(long nowMillis, String reason) {
        lost(nowMillis, reason, true);
    }

    private void lost(long nowMillis, String reason, boolean brokerFault) {
        if (state == LinkState.CONNECTING || state == LinkState.AWAITING_CONNACK) {
            connectFailed(nowMillis, reason, false);
        } else {
            linkLost(nowMillis, reason, false, brokerFault);
        }
    }

    /**
     * Nobody answered in time: the link died without a reset. The reason says how long, which is
     * what the line needs; the keep alive is in the configuration, and with it the next server
     * and the delay would not fit 80 columns.
     */
    void dead(long nowMillis, String reason) {
        counters.deadLinksDetected++;
        counters.lastDeadLinkDetectionMillis = nowMillis - keepAlive.lastReadMillis();
        linkLost(nowMillis, reason, true, false);
    }

    /**
     * After CONNACK. Only a link that stayed up long enough and did not end in a protocol error
     * resets the backoff: every other failure makes the next wait longer. A link that failed
     * soon, or by a protocol error, moves on to the next server: a server that accepts and then
     * fails must not keep us from a good one.
     */
    private void linkLost(long nowMillis, String reason, boolean silent, boolean brokerFault) {
        if (state == LinkState.CLOSED) {
            return;
        }
        boolean wasConnected = state == LinkState.CONNECTED;
        boolean stable = wasConnected && nowMillis - connectedAtMillis >= settings.reconnectResetAfterMillis;
        counters.linkLosses++;
        closeTransport();
        events.linkDown();
        if (stable && !brokerFault) {
            backoff.connectionStable(connectedAtMillis, nowMillis);
        }
        boolean moveOn = endpoints.size() > 1 && (brokerFault || !stable);
        if (moveOn) {
            endpoints.advance();
        }
        long delay = backoff.nextDelayMillis();
        reconnectAtMillis = nowMillis + delay;
        state = LinkState.WAITING;
        // A protocol error closes the link by its nature: its reason starts the line alone.
        LOG.warn(linkLostLine((silent ? "link dead: " : brokerFault ? "" : "link lost: ") + reason,
                moveOn ? endpoints.current().hostAndPort() : null, delay));
    }

    /** {@code "link lost: broker closed; retry in 2000 ms"}, or {@code "; next 10.0.0.6:1883 in 2000 ms"}. */
    static String linkLostLine(String what, String next, long delay) {
        return what + (next != null ? "; next " + next + " in " : "; retry in ") + delay + " ms";
    }

    private void closeTransport() {
        if (transport != null) {
            transport.close();
        }
        out.clear();
        decoder.reset();
    }

    void close() {
        closeTransport();
        state = LinkState.CLOSED;
    }
}
