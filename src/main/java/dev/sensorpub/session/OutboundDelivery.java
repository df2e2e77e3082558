package dev.sensorpub.session;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.PacketType;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.queue.FlushRateLimiter;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.QueuedRecord;

/**
 * Records from the queue to the broker, and back to the queue as confirmed: the in-flight
 * window, QoS 0 proofs, the resend after a reconnect, and the broker's PUBACK, PUBREC and
 * PUBCOMP. Control messages from the {@link ControlLane} go first, at QoS 1.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>A record leaves the queue ({@code queue.confirm}) only when the broker proved it has it:
 *       PUBACK (QoS 1), PUBCOMP (QoS 2), or for QoS 0 an answer to a packet written after it.
 *       A PUBACK for a QoS 1 message written while QoS 2 of ours written on that link awaited
 *       PUBREC counts only once anything
 *       is read after it: mosquitto with max_queued_messages 0 answers the message it drops past
 *       its limit and closes at once. A close right after such a PUBACK, or such a PUBREC, sends
 *       that message again and lowers the QoS 2 cap, at once or, from a server that never
 *       answered a QoS 2, once a probe is answered ({@link BrokerQos2Limits}).</li>
 *   <li>Records go out in queue order. A full window stops every record, so a QoS 0 message
 *       never overtakes the QoS 1 one before it.</li>
 *   <li>At most {@code window} QoS 1/2 messages are unacknowledged at once, and at most
 *       {@link BrokerQos2Limits#cap()} QoS 2 ones written on the current link are without PUBREC (the broker's
 *       count: it frees a place when our PUBREL arrives, before any PUBLISH written after it); a new record goes
 *       out only once every PUBREL of an earlier link was written again. Packet ids are taken when
 *       a message is written, never queued.</li>
 *   <li>A QoS 1 PUBLISH (a record, a control message, the status) is written only while fewer
 *       than {@link BrokerQos2Limits#cap()} of our QoS 2 messages may be held at the broker
 *       ({@link InflightTable#mayBeHeldAtBroker}, earlier links' included): mosquitto counts it
 *       against the same limit and drops one past it behind an ordinary PUBACK. A QoS 1 DUP
 *       resend is the exception: it goes in queue order, before earlier links' QoS 2 behind it
 *       are written again.</li>
 *   <li>When a link is lost nothing is forgotten: the queue rewinds and everything unproven goes
 *       out again (DUP with its old packet id to a kept session, as a new message otherwise).</li>
 *   <li>A QoS 2 message the broker already has (PUBREC seen) gets a PUBREL, never its PUBLISH,
 *       again.</li>
 *   <li>A packet id the broker may hold for a QoS 2 message is never reused before its PUBCOMP:
 *       a message forgotten before its PUBREC (expired, or dropped by drop-oldest) on a kept
 *       session gets a PUBREL too, and keeps its slot until the PUBCOMP. Except for a broker
 *       that closes on QoS 2 ({@link BrokerQos2Limits#qosToSend}): its QoS 2 entries are dropped
 *       and their records sent again at QoS 1, since a PUBREL may close the link too.</li>
 * </ul>
 */
final class OutboundDelivery {
    private static final Logger LOG = Log.logger("mqtt");
    /**
     * At most this many QoS 2 messages between PUBLISH and PUBREC, whatever the window, unless
     * {@code mqtt.broker-inflight-limit} says otherwise: mosquitto 2.0.11's default
     * max_inflight_messages. It answers one more with PUBREC and drops it (and closes the
     * connection if max_queued_messages is 0), and an MQTT 3.1.1 client cannot ask a broker for its limit. The broker frees a place
     * on our PUBREL, so a message waiting for PUBCOMP no longer counts (it holds a window slot).
     */
    static final int MAX_QOS2_IN_FLIGHT = 20;
    /**
     * The sequence of an in-flight entry whose QoS 2 record is gone before its PUBREC: only its
     * packet id is left, held at the broker until a PUBREL (MQTT 3.1.1, 4.3.3).
     */
    static final long RELEASED_QOS2 = Long.MAX_VALUE;

    private final MessageQueue queue;
    private final ControlLane lane;
    private final SendBuffer out;
    private final InflightTable inflight;
    private final BrokerQos2Limits qos2Limits;
    private final Qos0Proofs qos0Proofs;
    private final UnansweredPublishes unanswered;
    private final FlushRateLimiter flushLimiter;
    private final SessionCounters counters;
    private final int maxPublishPacketSize;
    private final QueuedRecord record = new QueuedRecord();

    /** The current link's number (see {@link BrokerLink#number()}). */
    private long link;
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
    private long lastAckMillis;
    /** The retained status waiting for room at QoS 1, and its topic; null when none waits. */
    private byte[] waitingStatus;
    private Topic waitingStatusTopic;
    private final ProtocolWarnings warnings;
    private final StrayPubrels strayPubrels = new StrayPubrels();
    /** How long a PINGREQ may wait behind our own unproven QoS 0 bytes (see {@link Qos0Proofs}). */
    private final long proofTargetMillis;
    private final Qos0Proofs.Confirmations confirmations = this::confirm;
    /** Queues a PINGREQ (if none is outstanding) whose answer proves the QoS 0 messages written so far. */
    private final Runnable askForProof;

    OutboundDelivery(SessionSettings settings, MessageQueue queue, SendBuffer out, SessionCounters counters,
            int maxPublishPacketSize, ProtocolWarnings warnings, long proofTargetMillis,
            ControlLane lane, Runnable askForProof) {
        this.askForProof = askForProof;
        this.lane = lane;
        this.warnings = warnings;
        this.proofTargetMillis = proofTargetMillis;
        this.queue = queue;
        this.out = out;
        this.counters = counters;
        this.maxPublishPacketSize = maxPublishPacketSize;
        this.inflight = new InflightTable(settings.inflightWindow);
        this.qos2Limits = new BrokerQos2Limits(inflight, settings.brokerInflightLimit);
        this.unanswered = new UnansweredPublishes(inflight.capacity());
        this.qos0Proofs = new Qos0Proofs(settings.qos0ProofWindow, settings.qos0ProofBytes);
        this.flushLimiter = new FlushRateLimiter(settings.flushRatePerSecond);
    }

    /** Packet ids for packets that are not records (SUBSCRIBE) come from the same table. */
    InflightTable inflight() {
        return inflight;
    }

    int inflightCount() {
        return inflight.size();
    }

    /** Nothing left to deliver: no unsent record, nothing in flight, no unproven QoS 0. */
    boolean isDrained() {
        return inflight.size() == 0 && qos0Proofs.isEmpty() && queue.counters().queuedMessages() == 0
                && lane.isEmpty();
    }

    /**
     * No record can go out until the broker answers: every slot of the window (or of the QoS 2
     * share) is taken. Answers are then worth gathering into one read and one refill.
     */
    boolean windowFull() {
        return !inflight.hasRoom() || inflight.awaitingPubrecOnLink() >= qos2Limits.cap();
    }

    /**
     * No record can go out before the broker answers: the window is full, or the unanswered
     * QoS 1/2 bytes are at their budget (see {@link UnansweredPublishes}).
     */
    boolean waitsForAnswers() {
        return windowFull() || !unanswered.hasRoom();
    }

    boolean somethingUnproven() {
        return !qos0Proofs.isEmpty() || inflight.size() > 0 || qos2Limits.pubackUnproven();
    }

    /** QoS 0 messages, or a PUBACK, wait for an answer to something written later (a PINGREQ). */
    boolean proofWanted() {
        return !qos0Proofs.isEmpty() || qos2Limits.pubackUnproven();
    }

    /** How long a kilobyte of QoS 0 took to cross the link on the last loaded proof, or 0 before one. */
    long qos0MillisPerKilobyte() {
        return qos0Proofs.answerMillisPerKilobyte();
    }

    /** How long the unproven QoS 0 bytes need to cross the link, as the last proof measured it. */
    long qos0MillisToCross() {
        return qos0Proofs.millisToCross();
    }

    boolean proofWantedSoon() {
        return qos0Proofs.needsProofSoon();
    }

    /** The mark a packet written now carries: its answer proves every QoS 0 message before it. */
    long proofMark() {
        return qos0Proofs.writtenCount();
    }

    long flushBlockedUntilMillis() {
        return flushBlockedUntilMillis;
    }

    // ------------------------------------------------------------------ link up and down

    void linkUp(long linkNumber, int server, boolean sessionPresent, long nowMillis) {
        link = linkNumber;
        lastAckMillis = nowMillis;
        qos2Limits.linkUp(server);
        strayPubrels.clear();
        if (!sessionPresent) {
            // The broker kept nothing: every unconfirmed record goes out again as a new message.
            inflight.clear();
        } else {
            // Status and control messages of the last link: the status is published anew, and
            // the lane (rewound at link loss) sends its messages again with new packet ids.
            for (int slot = 0; slot < inflight.capacity(); slot++) {
                if (inflight.inUse(slot) && inflight.sequence(slot) <= InflightTable.NO_RECORD) {
                    inflight.remove(slot);
                }
            }
        }
        inflight.linkUp(linkNumber);
        backlogEndSequence = queue.nextSequence();
    }

    void linkDown() {
        // Everything not proven goes out again, oldest first, once we are back.
        resendUpToSequence = highestSentSequence;
        queue.rewind();
        lane.rewind();
        qos2Limits.linkDown();
        qos0Proofs.clear();
        unanswered.linkDown();
        waitingStatus = null; // the next link publishes its own
    }

    /**
     * The retained status ("online" at link-up, "offline" before DISCONNECT), written straight
     * into the send buffer ahead of every record. Always QoS 1: a broker may discard a retained
     * QoS 0 message (Moquette does), and then the topic keeps the will's "offline" while the link
     * is up. It takes the slot kept for it when the window is full; while our QoS 2 may fill the
     * broker's in-flight limit (a kept session's held QoS 2 at reconnect) it waits, ahead of the
     * lane and the queue, until that limit has room ({@link #statusWaiting}).
     */
    void publishStatus(Topic statusTopic, byte[] payload, long nowMillis) {
        waitingStatusTopic = statusTopic;
        waitingStatus = payload;
        writeWaitingStatus(nowMillis);
    }

    /** Whether the last status published still waits for room at QoS 1 (see {@link #publishStatus}). */
    boolean statusWaiting() {
        return waitingStatus != null;
    }

    private void writeWaitingStatus(long nowMillis) {
        if (waitingStatus == null || !inflight.hasRoomForStatus() || !qos1MayGo()) {
            return;
        }
        int id = inflight.nextPacketId();
        int p = out.reserve(PacketEncoder.publishSize(waitingStatusTopic.length(), waitingStatus.length, 1));
        out.commit(PacketEncoder.encodePublish(out.bytes(), p, waitingStatusTopic, 1, false, true, id, waitingStatus,
                0, waitingStatus.length));
        startAckTimer(nowMillis);
        inflight.addStatus(qos0Proofs.writtenCount(), link);
        waitingStatus = null;
    }

    // ------------------------------------------------------------------ sending

    /** Moves records from the queue into the send buffer while the window, buffer and pacing allow. */
    void fill(long nowMillis) {
        flushBlockedUntilMillis = 0;
        qos2Limits.regrow(nowMillis);
        writeWaitingStatus(nowMillis);
        fillFromLane(nowMillis);
        fillFromQueue(nowMillis);
        if (qos0Proofs.needsProofSoon()) {
            // Asked once the burst is written, behind all of it, not mid-burst: a burst is one
            // write and crosses as one segment, which the broker answers only once it has it
            // whole, so the answer to a PINGREQ mid-burst proved half of it and the next burst
            // could only fill the other half (527-byte segments, one per answer, under 80% of an
            // 8 or 16 kbit/s uplink, issue 11). Behind the whole budget it still waits behind no
            // more than crosses in a third of its answer timeout (see Qos0Proofs).
            askForProof.run();
        }
    }

    private void fillFromQueue(long nowMillis) {
        long nowNanos = nowMillis * 1_000_000;
        while (true) {
            if (qos0Proofs.isFull() || out.free() < maxPublishPacketSize + SendBuffer.CONTROL_RESERVE) {
                return; // wait for the broker's proof, or for the socket to take what we have
            }
            long next = queue.peekSequence(nowMillis);
            boolean resend = next > 0 && next <= resendUpToSequence;
            if (!resend && !finishResending()) {
                return;
            }
            if (next < 0) {
                return;
            }
            // A full window stops everything, so a QoS 0 message never overtakes the QoS 1 one
            // before it. Resends already hold their slots, but not their bytes on this link.
            if (!resend && !inflight.hasRoom() || !unanswered.hasRoom()) {
                return;
            }
            // The broker's QoS 2 limit stops every record too, DUP resends included (it counts
            // what reaches it on this link); only a PUBREL due again passes, and frees a place.
            // Past the resend every QoS 2 entry was written on this link, so for a new record
            // the two counts agree (see qos1MayGo).
            int held = resend ? inflight.awaitingPubrecOnLink() : inflight.mayBeHeldAtBroker();
            if (held >= qos2Limits.cap() && !(resend && onlyPubrelDue(next))) {
                return;
            }
            // A resend that lost its slot (a new session, or the birth and the lane took the
            // window first) needs a new one. It waits while something sent on this link will be
            // acknowledged; taking it now would find the window full and start over from the oldest.
            if (resend && !inflight.hasRoom() && inflight.slotOfSequence(next) < 0 && inflight.anySentOnLink(link)) {
                return;
            }
            if (next < backlogEndSequence && !flushLimiter.tryAcquire(nowNanos)) {
                flushBlockedUntilMillis = nowMillis + 1 + flushLimiter.nanosUntilAvailable(nowNanos) / 1_000_000;
                return;
            }
            if (!queue.next(record, nowMillis) || !writeRecord(nowMillis)) {
                return;
            }
        }
    }

    private boolean onlyPubrelDue(long sequence) {
        int slot = inflight.slotOfSequence(sequence);
        return slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBCOMP;
    }

    /**
     * Control messages first, each QoS 1 (a broker may discard a retained QoS 0 one) with a
     * window slot; its in-flight entry carries a negative sequence naming the lane slot and the
     * version sent (see {@link #laneSequence}).
     */
    private void fillFromLane(long nowMillis) {
        while (!lane.isEmpty() && inflight.hasRoom() && qos1MayGo()
                && out.free() >= maxPublishPacketSize + SendBuffer.CONTROL_RESERVE) {
            int slot = lane.nextPending();
            if (slot < 0) {
                return;
            }
            int size = PacketEncoder.publishSize(lane.topicLength(slot), lane.payloadLength(slot), 1);
            if (!out.makeRoom(size + SendBuffer.CONTROL_RESERVE)) {
                return;
            }
            int id = inflight.nextPacketId();
            int version = lane.version(slot);
            lane.sent(slot);
            try {
                out.commit(PacketEncoder.encodePublish(out.bytes(), out.reserve(size), lane.topic(slot), 0,
                        lane.topicLength(slot), 1, false, lane.retain(slot), id, lane.payload(slot), 0,
                        lane.payloadLength(slot)));
            } catch (IllegalArgumentException e) {
                LOG.error("control message cannot be sent (" + e.getMessage() + "); dropped");
                lane.confirmed(slot, version);
                continue;
            }
            startAckTimer(nowMillis);
            inflight.add(laneSequence(slot, version), 1, qos0Proofs.writtenCount(), link);
            counters.published++;
        }
    }

    /**
     * Whether a QoS 1 PUBLISH written now finds room at the broker. mosquitto 2.0.11 holds an
     * incoming QoS 2 message against {@code max_inflight_messages} until our PUBREL, and answers
     * a QoS 1 (or QoS 2) PUBLISH past that limit with an ordinary PUBACK (PUBREC) and drops it:
     * its "quota exceeded" code does not exist in MQTT 3.1.1. A kept session's QoS 2 messages of
     * an earlier link count until their PUBREL is written again.
     */
    private boolean qos1MayGo() {
        return inflight.mayBeHeldAtBroker() < qos2Limits.cap();
    }

    /** Below {@link InflightTable#NO_RECORD}: a lane slot and version, never a queue sequence. */
    static long laneSequence(int slot, int version) {
        return -1 - ((version & 0xFFFF_FFFFL) << 16 | slot);
    }

    /**
     * The resend after a reconnect is over once a record newer than what was on the wire comes
     * up. In-flight entries not sent again on this link lost their record (it expired, or
     * drop-oldest dropped it): QoS 1 ones are forgotten; a QoS 2 one gets a PUBREL, whether or
     * not its PUBREC came. The broker may hold its id from the PUBLISH, and would take a later
     * message with that id as a duplicate and drop it; a receiver must answer any PUBREL with
     * PUBCOMP, also for an id it does not hold (MQTT 3.1.1, 4.3.3 and 3.6), and an id is free
     * again only after its PUBCOMP (2.3.1), so the entry keeps its slot until then. Returns
     * false if that did not fit yet (try again later).
     */
    private boolean finishResending() {
        if (resendUpToSequence == 0) {
            return true;
        }
        int released = 0;
        for (int slot = 0; slot < inflight.capacity(); slot++) {
            if (!inflight.inUse(slot) || inflight.sequence(slot) <= InflightTable.NO_RECORD
                    || inflight.sentOnLink(slot) == link) {
                continue;
            }
            int state = inflight.state(slot);
            if (state == InflightTable.AWAITING_PUBCOMP || state == InflightTable.AWAITING_PUBREC) {
                if (out.free() < PacketEncoder.ACK_SIZE + SendBuffer.CONTROL_RESERVE) {
                    return false;
                }
                out.writeAck(PacketType.PUBREL, inflight.packetId(slot));
                inflight.resent(slot, qos0Proofs.writtenCount(), link);
                if (state == InflightTable.AWAITING_PUBREC) {
                    inflight.forgetRecord(slot, RELEASED_QOS2);
                    inflight.setState(slot, InflightTable.AWAITING_PUBCOMP);
                    released++;
                }
            } else {
                inflight.remove(slot);
            }
        }
        if (released > 0) {
            LOG.warn(released + " QoS 2 messages gone before PUBREC: ids released, broker may still deliver");
        }
        resendUpToSequence = 0;
        return true;
    }

    /**
     * Encodes the record just taken from the queue into the send buffer. Returns false if it
     * found no slot and rewound the queue: filling stops there, so no state can spin the loop.
     */
    private boolean writeRecord(long nowMillis) {
        int qos = qos2Limits.qosToSend(record.qos());
        long sequence = record.sequence();
        int size = PacketEncoder.publishSize(record.topicLength(), record.payloadLength(), qos);
        if (!out.makeRoom(size + SendBuffer.CONTROL_RESERVE)) {
            // The agent caps records at maxMessageBytes, so only a record from an older
            // configuration with larger messages can get here.
            LOG.error("record " + sequence + " needs " + size + " bytes, over the send buffer; dropped");
            queue.confirm(sequence);
            return true;
        }
        boolean resend = sequence <= resendUpToSequence;
        try {
            if (qos == 0) {
                out.commit(PacketEncoder.encodePublish(out.bytes(), out.reserve(size), record.buffer(),
                        record.topicOffset(), record.topicLength(), 0, false, record.retain(), 0, record.buffer(),
                        record.payloadOffset(), record.payloadLength()));
                qos0Proofs.written(sequence, size, nowMillis);
            } else {
                int slot = resend ? inflight.slotOfSequence(sequence) : -1;
                if (slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBCOMP) {
                    out.writeAck(PacketType.PUBREL, inflight.packetId(slot));
                    inflight.resent(slot, qos0Proofs.writtenCount(), link);
                    return true;
                }
                boolean dup = slot >= 0;
                if (dup) {
                    // A DUP keeps the QoS its packet id went with, though QoS 2 may be tried
                    // afresh since (a kept session on another server of the failover list).
                    qos = inflight.state(slot) == InflightTable.AWAITING_PUBACK ? 1 : 2;
                }
                if (!dup && (!inflight.hasRoom() || qos == 2 && inflight.awaitingPubrecOnLink() >= qos2Limits.cap())) {
                    // Only if the queue skipped a damaged record after peekSequence: start again
                    // from the oldest unconfirmed rather than lose or reorder this one.
                    LOG.warn("record " + sequence + " found the in-flight window full; resending from the oldest");
                    queue.rewind();
                    return false;
                }
                // Encoded first, with the id the slot will get: a record that cannot be encoded
                // must never hold a window slot.
                int id = dup ? inflight.packetId(slot) : inflight.nextPacketId();
                out.commit(PacketEncoder.encodePublish(out.bytes(), out.reserve(size), record.buffer(),
                        record.topicOffset(), record.topicLength(), qos, dup, record.retain(), id, record.buffer(),
                        record.payloadOffset(), record.payloadLength()));
                if (dup) {
                    inflight.resent(slot, qos0Proofs.writtenCount(), link);
                } else {
                    startAckTimer(nowMillis);
                    slot = inflight.slotOfPacketId(inflight.add(sequence, qos, qos0Proofs.writtenCount(), link));
                }
                unanswered.written(slot, size, nowMillis);
                if (qos == 2) {
                    qos2Limits.qos2Written(nowMillis);
                }
            }
        } catch (IllegalArgumentException e) {
            // Only a record damaged in storage gets here (its CRC matched, its contents do not).
            LOG.error("record " + sequence + " cannot be sent (" + e.getMessage() + "); dropped");
            queue.confirm(sequence);
            return true;
        }
        counters.published++;
        highestSentSequence = Math.max(highestSentSequence, sequence);
        if (resend) {
            counters.resentAfterReconnect++;
        }
        return true;
    }

    // ------------------------------------------------------------------ the broker's answers

    void onPuback(int id, long nowMillis) {
        // First: a second PUBACK for a held one proves it and is then unexpected, never removed twice.
        proveLastAnswer();
        int slot = inflight.slotOfPacketId(id);
        if (slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBREC) {
            // RabbitMQ and several cloud brokers take QoS 2 as QoS 1: the message is delivered
            // (at least once), so it completes instead of blocking the window forever.
            qos2Limits.qos2AnsweredWithPuback();
        } else if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBACK) {
            warnings.warn(ProtocolWarnings.UNEXPECTED_PUBACK, id, nowMillis);
            return;
        }
        acknowledged(nowMillis);
        unanswered.answered(slot, nowMillis, proofTargetMillis);
        proveQos0(inflight.proofMark(slot), nowMillis);
        long sequence = inflight.sequence(slot);
        if (!qos2Limits.holdPuback(slot)) {
            inflight.remove(slot);
            confirm(sequence);
            return;
        }
        // A suspect PUBACK keeps its slot until proven: a link lost before that sends the
        // message again in FIFO order, and on a kept session a record behind a full window of
        // the lost link's messages must not need a slot that only they could free.
        if (inflight.size() == 1) {
            askForProof.run(); // no other answer is due that would prove it
        }
    }

    /**
     * Something was read after the last PUBACK or PUBREC: the broker did not close at it, so it
     * took that message.
     */
    private void proveLastAnswer() {
        long sequence = qos2Limits.readPastLastAnswer();
        if (sequence != InflightTable.NO_RECORD) {
            int slot = inflight.slotOfSequence(sequence);
            if (slot >= 0) {
                inflight.remove(slot);
            }
            confirm(sequence);
        }
    }

    void onPubrec(int id, long nowMillis) {
        proveLastAnswer();
        int slot = inflight.slotOfPacketId(id);
        if (slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBREC) {
            acknowledged(nowMillis);
            unanswered.answered(slot, nowMillis, proofTargetMillis);
            proveQos0(inflight.proofMark(slot), nowMillis);
            inflight.setState(slot, InflightTable.AWAITING_PUBCOMP);
            qos2Limits.qos2AnsweredWithPubrec(id); // after proveQos0, which ends the proof of the answer before
        } else if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBCOMP) {
            warnings.warn(ProtocolWarnings.UNEXPECTED_PUBREC, id, nowMillis);
            strayPubrels.remember(id);
        }
        out.writeAck(PacketType.PUBREL, id);
    }

    void onPubcomp(int id, long nowMillis) {
        proveLastAnswer();
        int slot = inflight.slotOfPacketId(id);
        if (slot < 0 || inflight.state(slot) != InflightTable.AWAITING_PUBCOMP) {
            if (!strayPubrels.take(id)) {
                warnings.warn(ProtocolWarnings.UNEXPECTED_PUBCOMP, id, nowMillis);
            }
            return;
        }
        acknowledged(nowMillis);
        confirm(inflight.sequence(slot));
        inflight.remove(slot);
    }

    /** The broker acknowledged something of ours: the window is moving. */
    private void acknowledged(long nowMillis) {
        lastAckMillis = nowMillis;
    }

    /** A message enters an empty window: its answer is timed from now. */
    private void startAckTimer(long nowMillis) {
        if (inflight.size() == 0) {
            lastAckMillis = nowMillis;
        }
    }

    /**
     * Since when the window holds messages without any acknowledgement arriving, or -1 if it is
     * empty. A broker that keeps talking but never acknowledges has a dead data path.
     */
    long unacknowledgedSinceMillis() {
        return inflight.size() == 0 ? -1 : lastAckMillis;
    }

    /** The broker closed the link (not a dead link): see {@link BrokerQos2Limits#brokerClosed}. */
    void brokerClosed(long nowMillis, String reason, BrokerQos2Limits.LinkLoss link) {
        qos2Limits.brokerClosed(nowMillis, reason, link);
    }

    /** An answer to a packet carrying {@code mark} arrived: the QoS 0 messages before it are delivered. */
    void proveQos0(long mark, long nowMillis) {
        proveLastAnswer();
        qos0Proofs.prove(mark, nowMillis, proofTargetMillis, confirmations);
    }

    private void confirm(long sequence) {
        if (sequence < InflightTable.NO_RECORD) {
            long v = -1 - sequence;
            lane.confirmed((int) (v & 0xFFFF), (int) (v >>> 16));
        } else if (sequence != InflightTable.NO_RECORD && sequence != RELEASED_QOS2) {
            queue.confirm(sequence);
            counters.acknowledged++;
        }
    }
}
