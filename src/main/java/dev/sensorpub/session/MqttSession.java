package dev.sensorpub.session;

import dev.sensorpub.codec.ConnectPacket;
import dev.sensorpub.codec.ConnectReturnCode;
import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.MqttProtocolException;
import dev.sensorpub.codec.PacketDecoder;
import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.PacketType;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.queue.FlushRateLimiter;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.QueuedRecord;
import dev.sensorpub.time.Clock;
import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.Endpoints;
import dev.sensorpub.transport.TcpTransport;
import dev.sensorpub.transport.TlsContext;
import dev.sensorpub.transport.TlsSettings;
import dev.sensorpub.transport.TlsTransport;
import dev.sensorpub.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The MQTT 3.1.1 client state machine: connect, keep alive, reconnect, QoS 0/1/2 delivery from
 * the queue, subscriptions. Driven by one loop thread through {@link #service(long)} and
 * {@link #await(long)}; it never blocks longer than the caller allows and allocates nothing
 * while messages flow.
 *
 * <p>Delivery: records stay in the queue until the broker proves it has them. QoS 1 and 2 are
 * proven by PUBACK and PUBCOMP. QoS 0 is proven by any later answer from the broker (see
 * {@link Qos0Proofs}): so across an outage QoS 0 becomes at-least-once, never lost.
 *
 * <p>Dead links: a link can die with no reset at all. While anything is unproven the session
 * sends PINGREQ once the broker has been quiet for half the keep alive, and declares the link
 * dead if nothing answers within another half of it after the PINGREQ left, or if the socket
 * takes nothing at all for that long. A silent outage is found within about one keep alive of
 * the last packet received (1.5 keep alives when the link was idle).
 */
public final class MqttSession implements AutoCloseable {
    private static final Logger LOG = Log.logger("mqtt");
    /** Room kept in the send buffer for the answer to one broker packet (an ack or a PINGREQ). */
    private static final int CONTROL_RESERVE = 64;
    private static final int MAX_READS_PER_SERVICE = 16;
    /**
     * At most this many QoS 2 messages between PUBLISH and PUBCOMP, whatever the window.
     * mosquitto (2.0.x, default max_inflight_messages 20) answers PUBREC to more but then drops
     * them, and an MQTT 3.1.1 client cannot ask a broker for its limit.
     */
    static final int MAX_QOS2_IN_FLIGHT = 20;
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final SessionSettings settings;
    private final Clock clock;
    private final MessageQueue queue;
    private final InboundHandler inbound;
    private final Endpoints endpoints;
    private final ConnectPacket connectPacket;
    private final Topic statusTopic;
    private final long keepAliveMillis;
    private final long answerTimeoutMillis;
    private final int maxPublishPacketSize;

    private final Transport tcp;
    private final TlsTransport tls;
    /** Volatile so that {@link #wakeup()} from a listener thread sees the current one. */
    private volatile Transport transport;

    private final PacketDecoder decoder;
    private final IncomingPacket packet = new IncomingPacket();
    /** Received bytes pass through this direct buffer into the decoder (see {@link SendBuffer} for why). */
    private final ByteBuffer receiveStage;
    private final SendBuffer out;

    private final QueuedRecord record = new QueuedRecord();
    private final InflightTable inflight;
    private final Qos0Proofs qos0Proofs;
    private final InboundQos2Ids inboundQos2 = new InboundQos2Ids();
    private final FlushRateLimiter flushLimiter;
    private final Backoff backoff;
    private final SessionCounters counters = new SessionCounters();

    private final Topic[] subscriptions = new Topic[16];
    private final int[] subscriptionQos = new int[16];
    private int subscriptionCount;
    private int subscribePacketId;

    /** Volatile only so that tests and the status line may read it from another thread. */
    private volatile LinkState state = LinkState.WAITING;
    private volatile Thread loopThread;
    /** Counts accepted CONNACKs: in-flight entries remember the link they were last sent on. */
    private long link;
    private long reconnectAtMillis;
    private long attemptDeadlineMillis;
    private long connectedAtMillis;
    private long lastReadMillis;
    private long lastWriteMillis;
    private boolean pingOutstanding;
    /** Whether the outstanding PINGREQ has left the send buffer; its answer is timed from then. */
    private boolean pingOnWire;
    private long pingEndOffset;
    private long pingSentAtMillis;
    private long pingProofMark;
    /**
     * While above 0, records up to this sequence were on the wire before the last link loss:
     * they go out again (DUP for a kept session), and entries the queue no longer returns are
     * settled once the first newer record comes up (see {@link #finishResending()}).
     */
    private long resendUpToSequence;
    private long highestSentSequence;
    /** Records below this sequence were queued before the current connection: the paced backlog. */
    private long backlogEndSequence;
    private long flushBlockedUntilMillis;
    private int lastConnackCode = -1;
    private boolean lastSessionPresent;

    public MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler inbound) {
        this(settings, queue, inbound, Clock.SYSTEM);
    }

    /** Monotonic time from {@code clock} for every deadline; its epoch time only for expiry stamps. */
    public MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler inbound, Clock clock) {
        this(settings, queue, inbound, new TcpTransport(), clock);
    }

    /** With another transport for tcp:// servers: for tests that script what the socket does. */
    MqttSession(SessionSettings settings, MessageQueue queue, InboundHandler inbound, Transport plain, Clock clock) {
        this.clock = clock;
        this.tcp = plain;
        this.settings = settings;
        this.queue = queue;
        this.inbound = inbound;
        this.endpoints = Endpoints.parse(settings.servers);
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
        this.connectPacket = connect.build();
        this.keepAliveMillis = settings.keepAliveSeconds * 1000L;
        this.answerTimeoutMillis = Math.max(500, keepAliveMillis / 2);
        this.tls = anyTls(endpoints) ? new TlsTransport(TlsContext.create(
                settings.tls == null ? TlsSettings.systemTrust() : settings.tls)) : null;
        this.decoder = new PacketDecoder(settings.maxPacketSize);
        this.receiveStage = ByteBuffer.allocateDirect(Math.min(settings.maxPacketSize, 64 * 1024));
        this.maxPublishPacketSize = PacketEncoder.publishSize(1, settings.maxMessageBytes, 2);
        if (settings.sendBufferSize < 2 * (maxPublishPacketSize + CONTROL_RESERVE)) {
            throw new IllegalArgumentException("send buffer of " + settings.sendBufferSize
                    + " bytes must hold two of the largest messages (" + settings.maxMessageBytes + " bytes)");
        }
        this.out = new SendBuffer(settings.sendBufferSize);
        this.inflight = new InflightTable(settings.inflightWindow);
        this.qos0Proofs = new Qos0Proofs(settings.qos0ProofWindow, settings.qos0ProofBytes);
        this.flushLimiter = new FlushRateLimiter(settings.flushRatePerSecond);
        this.backoff = new Backoff(settings.reconnectMinDelayMillis, settings.reconnectMaxDelayMillis,
                settings.reconnectResetAfterMillis, clock.monotonicNanos());
    }

    private static boolean anyTls(Endpoints endpoints) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i).isTls()) {
                return true;
            }
        }
        return false;
    }

    /** Subscribes on every new session; call before the first {@link #service}. */
    public void subscribe(Topic filter, int qos) {
        if (!filter.isFilter()) {
            throw new IllegalArgumentException("'" + filter + "' must be made with Topic.filter to subscribe");
        }
        if (subscriptionCount == subscriptions.length) {
            throw new IllegalStateException("at most " + subscriptions.length + " subscriptions");
        }
        subscriptions[subscriptionCount] = filter;
        subscriptionQos[subscriptionCount] = qos;
        subscriptionCount++;
    }

    public LinkState state() {
        return state;
    }

    public SessionCounters counters() {
        return counters;
    }

    public Endpoint currentServer() {
        return endpoints.current();
    }

    /** The return code of the last CONNACK (0-5), or -1 before the first. */
    public int lastConnackCode() {
        return lastConnackCode;
    }

    /** Whether the last accepted CONNACK said the broker had kept our session. */
    public boolean lastSessionPresent() {
        return lastSessionPresent;
    }

    public int inflightCount() {
        return inflight.size();
    }

    /** Nothing left to deliver: no unsent record, nothing in flight, no unproven QoS 0. */
    public boolean isDrained() {
        return inflight.size() == 0 && qos0Proofs.isEmpty() && queue.counters().queuedMessages() == 0;
    }

    // ------------------------------------------------------------------ the loop's two calls

    /** Does all work that is due at {@code nowMillis} (monotonic). Never blocks. */
    public void service(long nowMillis) {
        if (loopThread == null) {
            loopThread = Thread.currentThread();
        }
        switch (state) {
            case WAITING -> {
                if (nowMillis >= reconnectAtMillis) {
                    startConnect(nowMillis);
                }
            }
            case CONNECTING -> driveConnect(nowMillis);
            case AWAITING_CONNACK, CONNECTED -> driveLink(nowMillis);
            case CLOSED -> { }
        }
    }

    /** The latest time {@link #service} must run again, whatever I/O happens meanwhile. */
    public long nextDeadlineMillis(long nowMillis) {
        return switch (state) {
            case WAITING -> reconnectAtMillis;
            case CONNECTING, AWAITING_CONNACK -> attemptDeadlineMillis;
            case CONNECTED -> connectedDeadline(nowMillis);
            case CLOSED -> nowMillis + 60_000;
        };
    }

    /** Sleeps until socket activity, {@link #wakeup()}, or {@code timeoutMillis}. */
    public void await(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            return;
        }
        Transport current = transport;
        if (current != null && current.isOpen()) {
            try {
                current.await(timeoutMillis, out.hasUnwritten() || state == LinkState.CONNECTING);
            } catch (IOException e) {
                lost(monotonicMillis(), "wait on socket failed: " + Problems.describe(e));
            }
        } else {
            LockSupport.parkNanos(this, timeoutMillis * 1_000_000);
        }
    }

    /** From any thread: ends a pending {@link #await} early (a reading was handed in). */
    public void wakeup() {
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        Transport current = transport;
        if (current != null) {
            current.wakeup();
        }
    }

    // ------------------------------------------------------------------ connecting

    private void startConnect(long nowMillis) {
        Endpoint endpoint = endpoints.current();
        transport = endpoint.isTls() ? tls : tcp;
        attemptDeadlineMillis = nowMillis + settings.connectTimeoutMillis;
        decoder.reset();
        out.clear();
        try {
            transport.open(endpoint);
            state = LinkState.CONNECTING;
            driveConnect(nowMillis);
        } catch (IOException | RuntimeException e) {
            connectFailed(nowMillis, Problems.describe(e), false);
        }
    }

    private void driveConnect(long nowMillis) {
        try {
            if (transport.finishOpen()) {
                out.commit(PacketEncoder.encodeConnect(out.bytes(), out.reserve(PacketEncoder.connectSize(connectPacket)),
                        connectPacket));
                state = LinkState.AWAITING_CONNACK;
                lastReadMillis = nowMillis;
                flush(nowMillis);
            } else if (nowMillis >= attemptDeadlineMillis) {
                connectFailed(nowMillis, "no connection within " + settings.connectTimeoutMillis + " ms", false);
            }
        } catch (IOException e) {
            connectFailed(nowMillis, Problems.describe(e), false);
        }
    }

    /** This server did not give us a session: try the next one, backing off after a full round. */
    private void connectFailed(long nowMillis, String reason, boolean permanent) {
        counters.connectFailures++;
        Endpoint failed = endpoints.current();
        closeTransport();
        state = LinkState.WAITING;
        if (permanent) {
            backoff.jumpToMax();
        }
        boolean triedAll = endpoints.advance();
        long delay = triedAll || permanent ? backoff.nextDelayMillis() : 0;
        reconnectAtMillis = nowMillis + delay;
        LOG.warn("connect to " + failed.hostAndPort() + " failed: " + reason
                + (delay > 0 ? "; retry in " + delay + " ms" : "; trying " + endpoints.current().hostAndPort()));
    }

    // ------------------------------------------------------------------ an open link

    private void driveLink(long nowMillis) {
        try {
            if (!readAndHandle(nowMillis)) {
                return;
            }
            if (state == LinkState.AWAITING_CONNACK) {
                if (nowMillis >= attemptDeadlineMillis) {
                    connectFailed(nowMillis, "no CONNACK within " + settings.connectTimeoutMillis + " ms", false);
                } else {
                    flush(nowMillis);
                }
                return;
            }
            if (!keepAlive(nowMillis)) {
                return;
            }
            fillFromQueue(nowMillis);
            flush(nowMillis);
            backoff.connectionStable(connectedAtMillis, nowMillis);
        } catch (IOException e) {
            lost(nowMillis, Problems.describe(e));
        } catch (MqttProtocolException e) {
            counters.protocolErrors++;
            lost(nowMillis, "protocol error from broker: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug of ours must cost a reconnect, never the loop: the queue still holds everything.
            LOG.error("internal error, closing the link: " + Problems.describe(e));
            lost(nowMillis, "internal error");
        }
    }

    /** Before CONNACK a failure counts against this server (and fails over); after, it is a lost link. */
    private void lost(long nowMillis, String reason) {
        if (state == LinkState.CONNECTING || state == LinkState.AWAITING_CONNACK) {
            connectFailed(nowMillis, reason, false);
        } else {
            linkLost(nowMillis, reason, false);
        }
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
            while (roomForAnAnswer(nowMillis) && decoder.next(packet)) {
                handle(nowMillis);
                if (state != LinkState.CONNECTED && state != LinkState.AWAITING_CONNACK) {
                    return false;
                }
            }
            if (reads == MAX_READS_PER_SERVICE || !roomForAnAnswer(nowMillis)) {
                return true;
            }
            receiveStage.clear().limit(Math.min(receiveStage.capacity(), decoder.writableBytes()));
            int n = transport.read(receiveStage);
            if (n < 0) {
                lost(nowMillis, decoder.pendingBytes() > 0
                        ? "broker closed the connection in the middle of a packet"
                        : "broker closed the connection");
                return false;
            }
            if (n == 0) {
                return true;
            }
            receiveStage.flip().get(decoder.buffer(), decoder.writeOffset(), n);
            decoder.commit(n);
            lastReadMillis = nowMillis;
        }
    }

    /** Whether the answer to one more broker packet fits, pushing bytes to the socket first if not. */
    private boolean roomForAnAnswer(long nowMillis) throws IOException {
        if (out.free() >= CONTROL_RESERVE) {
            return true;
        }
        flush(nowMillis);
        return out.free() >= CONTROL_RESERVE;
    }

    private void handle(long nowMillis) throws MqttProtocolException {
        int type = packet.type();
        if (state == LinkState.AWAITING_CONNACK) {
            if (type != PacketType.CONNACK) {
                throw new MqttProtocolException(PacketType.name(type) + " before CONNACK");
            }
            onConnack(nowMillis);
            return;
        }
        switch (type) {
            case PacketType.CONNACK -> throw new MqttProtocolException("a second CONNACK on one connection");
            case PacketType.PUBACK -> onPuback();
            case PacketType.PUBREC -> onPubrec();
            case PacketType.PUBCOMP -> onPubcomp();
            case PacketType.PUBLISH -> onPublish();
            case PacketType.PUBREL -> {
                inboundQos2.remove(packet.packetId());
                writeAck(PacketType.PUBCOMP, packet.packetId());
            }
            case PacketType.SUBACK -> onSuback();
            case PacketType.UNSUBACK -> LOG.warn("UNSUBACK for packet id " + packet.packetId() + " we never sent");
            case PacketType.PINGRESP -> {
                // One that answers no PINGREQ of this link proves nothing.
                if (pingOutstanding) {
                    pingOutstanding = false;
                    proveQos0(pingProofMark);
                }
            }
            default -> throw new MqttProtocolException(PacketType.name(type) + " is not handled");
        }
    }

    private void onConnack(long nowMillis) {
        int code = packet.returnCode();
        lastConnackCode = code;
        lastSessionPresent = packet.sessionPresent();
        if (code != ConnectReturnCode.ACCEPTED) {
            boolean permanent = !ConnectReturnCode.isTransient(code);
            connectFailed(nowMillis, ConnectReturnCode.describe(code)
                    + (permanent ? " (will not fix itself: check the configuration)" : ""), permanent);
            return;
        }
        boolean sessionPresent = packet.sessionPresent();
        state = LinkState.CONNECTED;
        link++;
        connectedAtMillis = nowMillis;
        lastReadMillis = nowMillis;
        lastWriteMillis = nowMillis;
        pingOutstanding = false;
        counters.connects++;
        LOG.info("connected to " + endpoints.current().hostAndPort() + " (session present: "
                + (sessionPresent ? "yes" : "no") + ")");
        if (!sessionPresent) {
            // The broker kept nothing: every unconfirmed record goes out again as a new message.
            inflight.clear();
            inboundQos2.clear();
        }
        backlogEndSequence = queue.nextSequence();
        if (statusTopic != null) {
            publishStatus(ONLINE);
        }
        // A SUBSCRIBE the last link lost before its SUBACK is sent again even to a kept session.
        boolean subackMissing = subscribePacketId != 0;
        if (subackMissing) {
            inflight.releasePacketId(subscribePacketId);
            subscribePacketId = 0;
        }
        if (subscriptionCount > 0 && (!sessionPresent || subackMissing)) {
            subscribePacketId = inflight.reservePacketId();
            int p = out.reserve(PacketEncoder.subscribeSize(subscriptions, subscriptionCount));
            out.commit(PacketEncoder.encodeSubscribe(out.bytes(), p, subscribePacketId, subscriptions, subscriptionQos,
                    subscriptionCount));
        }
    }

    /** The retained status, QoS 0: written straight into the send buffer, not through the queue. */
    private void publishStatus(byte[] payload) {
        int p = out.reserve(PacketEncoder.publishSize(statusTopic.length(), payload.length, 0));
        out.commit(PacketEncoder.encodePublish(out.bytes(), p, statusTopic, 0, false, true, 0, payload, 0,
                payload.length));
    }

    private void onPuback() {
        int slot = inflight.slotOfPacketId(packet.packetId());
        if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBACK) {
            LOG.warn("PUBACK for packet id " + packet.packetId() + " that is not awaiting one; ignored");
            return;
        }
        proveQos0(inflight.proofMark(slot));
        confirm(inflight.sequence(slot));
        inflight.remove(slot);
    }

    private void onPubrec() {
        int id = packet.packetId();
        int slot = inflight.slotOfPacketId(id);
        if (slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBREC) {
            proveQos0(inflight.proofMark(slot));
            inflight.setState(slot, InflightTable.AWAITING_PUBCOMP);
        } else if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBCOMP) {
            LOG.warn("PUBREC for packet id " + id + " that is not awaiting one; answering PUBREL anyway");
        }
        writeAck(PacketType.PUBREL, id);
    }

    private void onPubcomp() {
        int slot = inflight.slotOfPacketId(packet.packetId());
        if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBCOMP) {
            LOG.warn("PUBCOMP for packet id " + packet.packetId() + " that is not awaiting one; ignored");
            return;
        }
        confirm(inflight.sequence(slot));
        inflight.remove(slot);
    }

    private void onPublish() {
        int qos = packet.qos();
        int id = packet.packetId();
        if (qos < 2 || inboundQos2.add(id)) {
            counters.inboundMessages++;
            inbound.onMessage(packet);
        }
        if (qos == 1) {
            writeAck(PacketType.PUBACK, id);
        } else if (qos == 2) {
            writeAck(PacketType.PUBREC, id);
        }
    }

    private void onSuback() {
        if (packet.packetId() != subscribePacketId) {
            LOG.warn("SUBACK for packet id " + packet.packetId() + " we are not waiting for; ignored");
            return;
        }
        inflight.releasePacketId(subscribePacketId);
        subscribePacketId = 0;
        for (int i = 0; i < subscriptionCount; i++) {
            int code = i < packet.subackCodeCount() ? packet.subackCode(i) : 0x80;
            if (code == 0x80) {
                LOG.error("broker refused the subscription to '" + subscriptions[i] + "'");
            } else {
                LOG.info("subscribed to '" + subscriptions[i] + "' (QoS " + code + ")");
            }
        }
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP; {@link #roomForAnAnswer} made sure it fits. */
    private void writeAck(int type, int packetId) {
        int p = out.reserve(PacketEncoder.ACK_SIZE);
        out.commit(switch (type) {
            case PacketType.PUBACK -> PacketEncoder.encodePuback(out.bytes(), p, packetId);
            case PacketType.PUBREC -> PacketEncoder.encodePubrec(out.bytes(), p, packetId);
            case PacketType.PUBREL -> PacketEncoder.encodePubrel(out.bytes(), p, packetId);
            default -> PacketEncoder.encodePubcomp(out.bytes(), p, packetId);
        });
    }

    // ------------------------------------------------------------------ keep alive and dead links

    /** Sends PINGREQ when due and declares the link dead when nobody answers; false if it did. */
    private boolean keepAlive(long nowMillis) {
        if (pingOutstanding) {
            long quietFor = nowMillis - lastReadMillis;
            if (pingOnWire && nowMillis - pingSentAtMillis >= answerTimeoutMillis && quietFor >= answerTimeoutMillis) {
                return deadLink(nowMillis, "no answer from the broker for " + quietFor + " ms");
            }
            if (!pingOnWire && nowMillis - lastWriteMillis >= answerTimeoutMillis && quietFor >= answerTimeoutMillis) {
                return deadLink(nowMillis, "the socket took nothing for " + (nowMillis - lastWriteMillis)
                        + " ms and the broker said nothing for " + quietFor + " ms");
            }
            return true;
        }
        boolean somethingUnproven = !qos0Proofs.isEmpty() || inflight.size() > 0;
        boolean idle = nowMillis - lastWriteMillis >= keepAliveMillis;
        boolean quiet = somethingUnproven && nowMillis - lastReadMillis >= answerTimeoutMillis;
        if (idle || quiet || qos0Proofs.needsProofSoon()) {
            sendPing();
        }
        return true;
    }

    private boolean deadLink(long nowMillis, String reason) {
        counters.deadLinksDetected++;
        counters.lastDeadLinkDetectionMillis = nowMillis - lastReadMillis;
        linkLost(nowMillis, reason + " (keep alive " + settings.keepAliveSeconds + " s)", true);
        return false;
    }

    private void sendPing() {
        pingProofMark = qos0Proofs.writtenCount();
        out.commit(PacketEncoder.encodePingreq(out.bytes(), out.reserve(PacketEncoder.PINGREQ_SIZE)));
        pingEndOffset = out.committed();
        pingOutstanding = true;
        pingOnWire = false;
    }

    /**
     * Asks the broker now to prove the QoS 0 messages written so far (a PINGREQ), instead of
     * waiting for half a keep alive: for a shutdown or the end of a benchmark.
     */
    public void requestProof() {
        if (state == LinkState.CONNECTED && !pingOutstanding && !qos0Proofs.isEmpty() && out.makeRoom(CONTROL_RESERVE)) {
            sendPing();
        }
    }

    private long connectedDeadline(long nowMillis) {
        long deadline;
        if (pingOutstanding) {
            deadline = Math.max(pingOnWire ? pingSentAtMillis : lastWriteMillis, lastReadMillis) + answerTimeoutMillis;
        } else {
            deadline = lastWriteMillis + keepAliveMillis;
            if (!qos0Proofs.isEmpty() || inflight.size() > 0) {
                deadline = Math.min(deadline, lastReadMillis + answerTimeoutMillis);
            }
        }
        if (flushBlockedUntilMillis > nowMillis) {
            deadline = Math.min(deadline, flushBlockedUntilMillis);
        }
        return deadline;
    }

    // ------------------------------------------------------------------ sending

    /** Moves records from the queue into the send buffer while the window, buffer and pacing allow. */
    private void fillFromQueue(long nowMillis) {
        flushBlockedUntilMillis = 0;
        long wallMillis = clock.epochMillis();
        long nowNanos = nowMillis * 1_000_000;
        while (true) {
            if (qos0Proofs.isFull() || out.free() < maxPublishPacketSize + CONTROL_RESERVE) {
                return; // wait for the broker's proof, or for the socket to take what we have
            }
            long next = queue.peekSequence(wallMillis);
            boolean resend = next > 0 && next <= resendUpToSequence;
            if (!resend && !finishResending()) {
                return;
            }
            if (next < 0) {
                return;
            }
            // A full window stops everything, so a QoS 0 message never overtakes the QoS 1 one
            // before it. Resends already hold their slots.
            if (!resend && (!inflight.hasRoom() || inflight.qos2Size() >= MAX_QOS2_IN_FLIGHT)) {
                return;
            }
            if (next < backlogEndSequence && !flushLimiter.tryAcquire(nowNanos)) {
                flushBlockedUntilMillis = nowMillis + 1 + flushLimiter.nanosUntilAvailable(nowNanos) / 1_000_000;
                return;
            }
            if (!queue.next(record, wallMillis)) {
                return;
            }
            writeRecord();
        }
    }

    /**
     * The resend after a reconnect is over once a record newer than what was on the wire comes
     * up. In-flight entries not sent again on this link lost their record (it expired, or
     * drop-oldest dropped it): a QoS 2 message the broker already has still gets its PUBREL,
     * the others are forgotten. Returns false if that did not fit yet (try again later).
     */
    private boolean finishResending() {
        if (resendUpToSequence == 0) {
            return true;
        }
        for (int slot = 0; slot < inflight.capacity(); slot++) {
            if (!inflight.inUse(slot) || inflight.sequence(slot) == InflightTable.NO_RECORD
                    || inflight.sentOnLink(slot) == link) {
                continue;
            }
            if (inflight.state(slot) == InflightTable.AWAITING_PUBCOMP) {
                if (out.free() < PacketEncoder.ACK_SIZE + CONTROL_RESERVE) {
                    return false;
                }
                writeAck(PacketType.PUBREL, inflight.packetId(slot));
                inflight.resent(slot, qos0Proofs.writtenCount(), link);
            } else {
                inflight.remove(slot);
            }
        }
        resendUpToSequence = 0;
        return true;
    }

    /** Encodes the record just taken from the queue into the send buffer. */
    private void writeRecord() {
        int qos = record.qos();
        long sequence = record.sequence();
        int size = PacketEncoder.publishSize(record.topicLength(), record.payloadLength(), qos);
        if (!out.makeRoom(size + CONTROL_RESERVE)) {
            // The agent caps records at maxMessageBytes, so only a record from an older
            // configuration with larger messages can get here.
            LOG.error("record " + sequence + " needs " + size + " bytes, more than the send buffer can hold; dropped");
            queue.confirm(sequence);
            return;
        }
        boolean resend = sequence <= resendUpToSequence;
        try {
            if (qos == 0) {
                out.commit(PacketEncoder.encodePublish(out.bytes(), out.reserve(size), record.buffer(),
                        record.topicOffset(), record.topicLength(), 0, false, record.retain(), 0, record.buffer(),
                        record.payloadOffset(), record.payloadLength()));
                qos0Proofs.written(sequence, size);
            } else {
                int slot = resend ? inflight.slotOfSequence(sequence) : -1;
                if (slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBCOMP) {
                    writeAck(PacketType.PUBREL, inflight.packetId(slot));
                    inflight.resent(slot, qos0Proofs.writtenCount(), link);
                    return;
                }
                boolean dup = slot >= 0;
                if (!dup && (!inflight.hasRoom() || qos == 2 && inflight.qos2Size() >= MAX_QOS2_IN_FLIGHT)) {
                    // Only if the queue skipped a damaged record after peekSequence: start again
                    // from the oldest unconfirmed rather than lose or reorder this one.
                    LOG.warn("record " + sequence + " found the in-flight window full; resending from the oldest");
                    queue.rewind();
                    return;
                }
                int id;
                if (dup) {
                    id = inflight.packetId(slot);
                    inflight.resent(slot, qos0Proofs.writtenCount(), link);
                } else {
                    id = inflight.add(sequence, qos, qos0Proofs.writtenCount(), link);
                }
                out.commit(PacketEncoder.encodePublish(out.bytes(), out.reserve(size), record.buffer(),
                        record.topicOffset(), record.topicLength(), qos, dup, record.retain(), id, record.buffer(),
                        record.payloadOffset(), record.payloadLength()));
            }
        } catch (IllegalArgumentException e) {
            // Only a record damaged in storage gets here (its CRC matched, its contents do not).
            LOG.error("record " + sequence + " cannot be sent (" + e.getMessage() + "); dropped");
            queue.confirm(sequence);
            return;
        }
        counters.published++;
        highestSentSequence = Math.max(highestSentSequence, sequence);
        if (resend) {
            counters.resentAfterReconnect++;
        }
    }

    private void proveQos0(long mark) {
        while (qos0Proofs.hasProvenUpTo(mark)) {
            confirm(qos0Proofs.takeProven());
        }
    }

    private void confirm(long sequence) {
        if (sequence != InflightTable.NO_RECORD) {
            queue.confirm(sequence);
            counters.acknowledged++;
        }
    }

    private void flush(long nowMillis) throws IOException {
        if (out.flush(transport) > 0) {
            lastWriteMillis = nowMillis;
        }
        if (pingOutstanding && !pingOnWire && out.written() >= pingEndOffset) {
            pingOnWire = true;
            pingSentAtMillis = nowMillis;
        }
    }

    // ------------------------------------------------------------------ losing the link

    private void linkLost(long nowMillis, String reason, boolean silent) {
        if (state == LinkState.CLOSED) {
            return;
        }
        boolean wasConnected = state == LinkState.CONNECTED;
        counters.linkLosses++;
        closeTransport();
        // Everything not proven goes out again, oldest first, once we are back.
        resendUpToSequence = highestSentSequence;
        queue.rewind();
        qos0Proofs.clear();
        pingOutstanding = false;
        if (wasConnected) {
            backoff.connectionStable(connectedAtMillis, nowMillis);
        }
        long delay = backoff.nextDelayMillis();
        reconnectAtMillis = nowMillis + delay;
        state = LinkState.WAITING;
        LOG.warn((silent ? "link dead: " : "link lost: ") + reason + "; reconnect in " + delay + " ms");
    }

    private void closeTransport() {
        if (transport != null) {
            transport.close();
        }
        out.clear();
        decoder.reset();
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
        long deadline = monotonicMillis() + timeoutMillis;
        long now = monotonicMillis();
        while (state == LinkState.CONNECTED && !isDrained() && now < deadline) {
            service(now);
            requestProof(); // the last QoS 0 messages need an answer to count as delivered
            await(Math.min(50, deadline - now));
            now = monotonicMillis();
        }
        boolean drained = isDrained();
        if (state == LinkState.CONNECTED) {
            try {
                if (statusTopic != null) {
                    publishStatus(OFFLINE);
                }
                out.commit(PacketEncoder.encodeDisconnect(out.bytes(), out.reserve(PacketEncoder.DISCONNECT_SIZE)));
                while (out.hasUnwritten() && now < deadline + 1000) {
                    flush(now);
                    transport.await(Math.min(50, deadline + 1000 - now), true);
                    now = monotonicMillis();
                }
                LOG.info("disconnected from " + endpoints.current().hostAndPort()
                        + (drained ? "" : " with " + queue.counters().queuedMessages() + " messages still queued"));
            } catch (IOException | RuntimeException e) {
                LOG.warn("clean disconnect failed: " + Problems.describe(e));
            }
        }
        close();
        return drained;
    }

    private long monotonicMillis() {
        return clock.monotonicMillis();
    }

    @Override
    public void close() {
        closeTransport();
        state = LinkState.CLOSED;
    }
}
