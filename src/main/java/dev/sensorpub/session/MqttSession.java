package dev.sensorpub.session;

import dev.sensorpub.codec.ConnectPacket;
import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.MqttProtocolException;
import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.time.Clock;
import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.TcpProgress;
import dev.sensorpub.transport.TcpTransport;
import dev.sensorpub.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The MQTT 3.1.1 client: one loop thread drives it through {@link #service(long)} and
 * {@link #await(long)}; it never blocks longer than the caller allows and allocates nothing
 * while messages flow. It wires four parts, each with its invariants at its top:
 * <ul>
 *   <li>{@link BrokerLink}: connect, CONNACK, failover, backoff, socket bytes;</li>
 *   <li>{@link KeepAlive}: PINGREQ and dead-link detection;</li>
 *   <li>{@link OutboundDelivery}: queue to broker, window, QoS 0 proofs, resend, acks;</li>
 *   <li>{@link InboundDispatch}: every broker packet routed once, inbound PUBLISH, SUBSCRIBE.</li>
 * </ul>
 *
 * <p>One service round on an open link: write a packet the last round kept back, read and
 * dispatch what arrived, check liveness, fill the send buffer from the queue, flush; if that
 * wrote something and left the window full without keeping a packet back, read and refill once
 * more (the write released answers the broker held back). Records stay in the queue until the
 * broker proves it has them, so across an outage QoS 0 becomes at-least-once, never lost.
 *
 * <p>System calls are a message's main cost on a small board: with the window full, {@link #await}
 * pauses without watching the socket ({@link AnswerPause}), so one read takes a window's answers
 * and one write refills it, instead of a wake-up, a read and a write for every answer or two.
 * A broker with Nagle's algorithm (mosquitto's default) sends the first answer to a refill at
 * once and holds the rest until a segment of ours acknowledges it; so the refill that fills the
 * window keeps its last PUBLISH back, and the next round writes it before it reads: that segment
 * carries the acknowledgement, and the one read after it takes the answers the broker held.
 */
public final class MqttSession implements AutoCloseable {
    private static final Logger LOG = Log.logger("mqtt");
    private static final int MAX_READS_PER_SERVICE = 16;
    private static final long WARNING_INTERVAL_MILLIS = 60_000;
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);
    /**
     * The last loaded QoS 0 proof this slow (write to answer, per kilobyte) means a thin or
     * distant link: under about 800 kbit/s. The link lab's 8 kbit/s link takes about a second;
     * loopback well under a millisecond once warm (a proof while the JVM starts can pass 10, so
     * the next fast one turns it off again). There a segment per reading costs more headers
     * (66 bytes) than reading (18), and on a shared medium the broker's bare acknowledgements
     * take the same bucket. Only loaded proofs count (see {@link Qos0Proofs}): a PINGREQ's answer
     * time alone also measures the broker working through a loopback backlog.
     */
    static final long THIN_LINK_MILLIS_PER_KILOBYTE = 10;

    private final Clock clock;
    private final MessageQueue queue;
    private final Topic statusTopic;
    private final SessionCounters counters = new SessionCounters();
    private final SendBuffer out;
    private final IncomingPacket packet = new IncomingPacket();
    private final BrokerLink link;
    private final BrokerQos2Limits.LinkLoss linkLoss;
    private final KeepAlive keepAlive;
    private final OutboundDelivery outbound;
    private final InboundDispatch inbound;
    private final ProtocolWarnings warnings = new ProtocolWarnings(WARNING_INTERVAL_MILLIS);
    private final InflightTimeout inflightTimeout;
    private volatile Thread loopThread;
    private final AnswerPause answerPause;
    private final int window;

    public MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler inbound) {
        this(settings, queue, inbound, Clock.SYSTEM);
    }

    /** Monotonic time from {@code clock} for every deadline; its epoch time only for expiry stamps. */
    public MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler inbound, Clock clock) {
        this(settings, queue, new ControlLane(1, 1), inbound, new TcpTransport(), clock);
    }

    /** With a lane of control messages that go out before the queue's backlog. */
    public MqttSession(SessionSettings settings, MessageQueue queue, ControlLane lane, InboundHandler inbound,
            Clock clock) {
        this(settings, queue, lane, inbound, new TcpTransport(), clock);
    }

    /** With another transport for tcp:// servers: for tests that script what the socket does. */
    MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler application, Transport plain,
            Clock clock) {
        this(settings, queue, new ControlLane(1, 1), application, plain, clock);
    }

    MqttSession(SessionSettings settings, MessageQueue queue, ControlLane lane, InboundHandler application,
            Transport plain, Clock clock) {
        this.clock = clock;
        this.queue = queue;
        this.statusTopic = settings.statusTopic == null ? null : Topic.name(settings.statusTopic);
        ConnectPacket.Builder connect = ConnectPacket.builder(settings.clientId)
                .cleanSession(settings.cleanSession)
                .keepAliveSeconds(settings.keepAliveSeconds);
        if (settings.userName != null) {
            connect.userName(settings.userName).password(settings.password);
        }
        if (statusTopic != null) {
            connect.will(statusTopic, OFFLINE, 1, true);
        }
        int maxPublishPacketSize = PacketEncoder.publishSize(1, settings.maxMessageBytes, 2);
        if (settings.sendBufferSize < 2 * (maxPublishPacketSize + SendBuffer.CONTROL_RESERVE)) {
            throw new IllegalArgumentException("send buffer of " + settings.sendBufferSize
                    + " bytes must hold two of the largest messages (" + settings.maxMessageBytes + " bytes)");
        }
        this.out = new SendBuffer(settings.sendBufferSize);
        this.answerPause = new AnswerPause(settings.inflightWindow);
        this.window = settings.inflightWindow;
        Supplier<TcpProgress> kernel = this::tcpProgress;
        this.keepAlive = new KeepAlive(settings.keepAliveSeconds, out, kernel);
        this.inflightTimeout = new InflightTimeout(settings.keepAliveSeconds, keepAlive.answerTimeoutMillis(),
                keepAlive.lookMillis(), kernel);
        this.link = new BrokerLink(settings, connect.build(), plain, out, keepAlive, counters, clock.monotonicNanos());
        this.linkLoss = link::lost;
        this.outbound = new OutboundDelivery(settings, queue, out, counters, maxPublishPacketSize,
                warnings, keepAlive.answerTimeoutMillis() / 3, lane, this::requestProof);
        this.inbound = new InboundDispatch(link, outbound, keepAlive, application, out, counters, warnings);
        link.events(new BrokerLink.LinkEvents() {
            @Override
            public void linkUp(long linkNumber, int server, boolean sessionPresent, long nowMillis) {
                keepAlive.reset(nowMillis);
                inflightTimeout.reset();
                outbound.linkUp(linkNumber, server, sessionPresent, nowMillis);
                if (statusTopic != null) {
                    outbound.publishStatus(statusTopic, ONLINE, nowMillis);
                }
                inbound.linkUp(sessionPresent);
            }

            @Override
            public void linkDown() {
                outbound.linkDown();
                keepAlive.cancelPing();
            }
        });
    }

    /** Subscribes on every new session; call before the first {@link #service}. */
    public void subscribe(Topic filter, int qos) {
        inbound.subscribe(filter, qos);
    }

    public LinkState state() {
        return link.state();
    }

    public SessionCounters counters() {
        return counters;
    }

    public Endpoint currentServer() {
        return link.currentServer();
    }

    /** The return code of the last CONNACK (0-5), or -1 before the first. */
    public int lastConnackCode() {
        return link.lastConnackCode();
    }

    /** Whether the last accepted CONNACK said the broker had kept our session. */
    public boolean lastSessionPresent() {
        return link.lastSessionPresent();
    }

    public int inflightCount() {
        return outbound.inflightCount();
    }

    /** Whether no record can go out before the broker answers (a full window, or its bytes at their budget). */
    public boolean waitsForAnswers() {
        return outbound.waitsForAnswers();
    }

    /** Nothing left to deliver: no unsent record, nothing in flight, no unproven QoS 0. */
    public boolean isDrained() {
        return outbound.isDrained();
    }

    // ------------------------------------------------------------------ the loop's two calls

    /** Does all work that is due at {@code nowMillis} (monotonic). Never blocks. */
    public void service(long nowMillis) {
        if (loopThread == null) {
            loopThread = Thread.currentThread();
        }
        warnings.tick(nowMillis);
        switch (link.state()) {
            case WAITING -> {
                if (nowMillis >= link.reconnectAtMillis()) {
                    link.startConnect(nowMillis);
                }
            }
            case CONNECTING -> link.driveConnect(nowMillis);
            case AWAITING_CONNACK, CONNECTED -> driveLink(nowMillis);
            case CLOSED -> { }
        }
    }

    /** The latest time {@link #service} must run again, whatever I/O happens meanwhile. */
    public long nextDeadlineMillis(long nowMillis) {
        long deadline = switch (link.state()) {
            case WAITING -> link.reconnectAtMillis();
            case CONNECTING, AWAITING_CONNACK -> link.attemptDeadlineMillis();
            case CONNECTED -> connectedDeadline(nowMillis);
            case CLOSED -> nowMillis + 60_000;
        };
        return Math.min(deadline, warnings.nextSummaryMillis());
    }

    private long connectedDeadline(long nowMillis) {
        long deadline = keepAlive.deadlineMillis(outbound.somethingUnproven());
        deadline = Math.min(deadline, inflightTimeout.deadlineMillis(outbound.unacknowledgedSinceMillis()));
        long blockedUntil = outbound.flushBlockedUntilMillis();
        if (blockedUntil > nowMillis) {
            deadline = Math.min(deadline, blockedUntil);
        }
        return deadline;
    }

    /** Sleeps until socket activity, {@link #wakeup()}, or {@code timeoutMillis}. */
    public void await(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            return;
        }
        long pause = answerPauseNanos();
        if (pause > 0 && link.pause(Math.min(timeoutMillis * 1_000_000, pause))) {
            return;
        }
        if (!link.await(timeoutMillis, clock.monotonicMillis())) {
            LockSupport.parkNanos(this, timeoutMillis * 1_000_000);
        }
    }

    /**
     * How long to pause instead of waking for each answer, or 0: the window is full, so nothing
     * can go out before the broker answers (see {@link AnswerPause}).
     */
    private long answerPauseNanos() {
        if (link.state() != LinkState.CONNECTED || !outbound.windowFull() || out.hasUnwrittenBeyondHeld()) {
            return 0;
        }
        return answerPause.next(counters.published, out.holdsBack());
    }

    /** From any thread: ends a pending {@link #await} early (a reading was handed in). */
    public void wakeup() {
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        link.wakeup();
    }

    // ------------------------------------------------------------------ an open link

    /** What the kernel tells of the connected link's bytes. */
    private TcpProgress tcpProgress() {
        Transport t = link.transport();
        return t == null || link.state() != LinkState.CONNECTED ? TcpProgress.UNKNOWN : t.tcpProgress();
    }

    private void driveLink(long nowMillis) {
        try {
            if (out.holdsBack()) {
                // Before reading: this segment acknowledges the broker's first answer, and on a
                // fast link the answers it held back for that are in our socket when the write returns.
                link.flush(nowMillis);
            }
            if (!readAndHandle(nowMillis)) {
                return;
            }
            if (link.state() == LinkState.AWAITING_CONNACK) {
                if (!link.connackOverdue(nowMillis)) {
                    link.flush(nowMillis);
                }
                return;
            }
            String dead = keepAlive.check(nowMillis, outbound.somethingUnproven(), outbound.proofWantedSoon(),
                    outbound.proofMark(), outbound.qos0MillisToCross());
            if (dead != null) {
                link.dead(nowMillis, dead);
                return;
            }
            dead = inflightTimeout.check(nowMillis, outbound.unacknowledgedSinceMillis(), out.committed(),
                    outbound.inflightCount());
            if (dead != null) {
                link.dead(nowMillis, dead);
                return;
            }
            long published = counters.published;
            outbound.fill(nowMillis);
            long written = out.written();
            flushRefill(nowMillis, published);
            if (outbound.windowFull() && !out.holdsBack() && out.written() != written) {
                // What we just wrote acknowledged the broker's last segment, and a broker with
                // Nagle's algorithm (mosquitto's default) sends the answers it held back for that:
                // on a fast link they are here already, and one more refill now saves a wake-up.
                if (!readAndHandle(nowMillis)) {
                    return;
                }
                published = counters.published;
                outbound.fill(nowMillis);
                flushRefill(nowMillis, published);
            }
        } catch (IOException e) {
            closedByBroker(nowMillis, Problems.describe(e));
        } catch (MqttProtocolException e) {
            counters.protocolErrors++;
            link.protocolError(nowMillis, "protocol error: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug of ours must cost a reconnect, never the loop: the queue still holds everything.
            LOG.error("internal error, closing the link: " + Problems.describe(e));
            link.lost(nowMillis, "internal error");
        }
    }

    /**
     * Writes what the round encoded; a refill that took the window's last slot keeps its last
     * packet back for the next round (see the class comment), unless the socket is full anyway
     * or the broker's answers take longer than a pause (a thin link: see {@link AnswerPause}).
     * Never in a window of one: nothing else of ours is on the wire to be answered meanwhile, so
     * the pause would only keep the link idle.
     *
     * <p>On a thin link ({@link #THIN_LINK_MILLIS_PER_KILOBYTE}) with no QoS 1 or 2 message in flight,
     * the kernel holds a small write while earlier bytes await the broker's acknowledgement and
     * sends it with what followed: QoS 0 readings leave in one segment per round trip. Not
     * while a QoS 1 or 2 message is in flight: its answers already clock our writes, and the
     * link lab's drains were slower with both sides holding writes back (QoS 2 at 8 kbit/s shared:
     * 254 and 265 readings behind at the stop against 127 and 145). Nor while a PINGREQ for the
     * broker's keep alive waits to leave (see {@link KeepAlive#keepingPingWaiting}).
     */
    private void flushRefill(long nowMillis, long publishedBefore) throws IOException {
        link.coalesceSmallWrites(outbound.qos0MillisPerKilobyte() >= THIN_LINK_MILLIS_PER_KILOBYTE
                && outbound.inflightCount() == 0 && !keepAlive.keepingPingWaiting());
        if (window > 1 && counters.published != publishedBefore && outbound.inflightCount() >= window
                && answerPause.answersWithinAPause()) {
            link.flushHoldingLast(nowMillis);
        } else {
            link.flush(nowMillis);
        }
    }

    /** The link lost, with what the broker's close may mean for QoS 2 (see {@link BrokerQos2Limits}). */
    private void closedByBroker(long nowMillis, String reason) {
        outbound.brokerClosed(nowMillis, reason, linkLoss);
    }

    /**
     * Handles the complete packets already received, then reads more, a bounded number of times.
     * A packet is taken only while the send buffer has room for its answer; otherwise it waits in
     * the receive buffer (and the broker in TCP) until the socket has taken our earlier answers.
     *
     * @return false if the link went away
     */
    private boolean readAndHandle(long nowMillis) throws IOException, MqttProtocolException {
        for (int reads = 0; ; reads++) {
            while (link.roomForAnAnswer(nowMillis) && link.decoder().next(packet)) {
                inbound.handle(packet, nowMillis);
                if (!link.isOpen()) {
                    return false;
                }
            }
            if (reads == MAX_READS_PER_SERVICE || !link.roomForAnAnswer(nowMillis)) {
                return true;
            }
            int n = link.receive(nowMillis);
            if (n < 0) {
                closedByBroker(nowMillis, link.closedReason());
                return false;
            }
            if (n == 0) {
                return true;
            }
        }
    }

    /**
     * Asks the broker now to prove the QoS 0 messages written so far (a PINGREQ), instead of
     * waiting for half a keep alive: for a shutdown or the end of a benchmark.
     */
    public void requestProof() {
        if (link.state() == LinkState.CONNECTED && !keepAlive.pingOutstanding() && outbound.proofWanted()
                && out.makeRoom(SendBuffer.CONTROL_RESERVE)) {
            keepAlive.sendPing(outbound.proofMark(), outbound.qos0MillisToCross(), true);
        }
    }

    // ------------------------------------------------------------------ shutting down

    /**
     * Delivers what the link takes within {@code timeoutMillis}, publishes the retained
     * "offline", sends DISCONNECT (so the broker drops the will) and closes. What was not
     * delivered stays in the queue for the next start.
     *
     * @return true if everything queued was delivered
     */
    public boolean drainAndDisconnect(long timeoutMillis) {
        long now = clock.monotonicMillis();
        long deadline = now + timeoutMillis;
        while (link.state() == LinkState.CONNECTED && !isDrained() && now < deadline) {
            service(now);
            requestProof(); // the last QoS 0 messages need an answer to count as delivered
            await(Math.min(50, deadline - now));
            now = clock.monotonicMillis();
        }
        boolean drained = isDrained();
        if (link.state() == LinkState.CONNECTED) {
            try {
                // The QoS 1 status and DISCONNECT must not wait for an acknowledgement of what is
                // on the wire: the socket is closed right after the kernel takes them.
                link.coalesceSmallWrites(false);
                if (statusTopic != null) {
                    outbound.publishStatus(statusTopic, OFFLINE, now);
                }
                // An "offline" that cannot go at QoS 1 (our QoS 2 fills the broker's limit) is left
                // to the will, QoS 1 retained: a close without DISCONNECT makes the broker publish it.
                boolean willSaysOffline = outbound.statusWaiting();
                if (!willSaysOffline) {
                    out.commit(PacketEncoder.encodeDisconnect(out.bytes(), out.reserve(PacketEncoder.DISCONNECT_SIZE)));
                }
                while (out.hasUnwritten() && now < deadline + 1000) {
                    link.flush(now);
                    link.transport().await(Math.min(50, deadline + 1000 - now), true);
                    now = clock.monotonicMillis();
                }
                String server = link.currentServer().hostAndPort();
                long queued = queue.counters().queuedMessages();
                LOG.info(willSaysOffline
                        ? "closed " + server + " without DISCONNECT (will: offline)" + (drained ? "" : "; " + queued + " queued")
                        : "disconnected from " + server + (drained ? "" : " with " + queued + " messages still queued"));
            } catch (IOException | RuntimeException e) {
                LOG.warn("clean disconnect failed: " + Problems.describe(e));
            }
        }
        close();
        return drained;
    }

    @Override
    public void close() {
        warnings.flush(clock.monotonicMillis());
        link.close();
    }
}
