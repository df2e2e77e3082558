package dev.sensorpub.session;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;

/**
 * What this process has learnt about the broker's QoS 2: how many of our QoS 2 messages it takes
 * at once, whether it supports QoS 2 at all, and whether its last answer may be one it gave a
 * message it then dropped. An MQTT 3.1.1 client cannot ask a broker any of this (it has no
 * "quota exceeded"), so it is learnt from the broker's answers and from how it closes the link.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>The cap ({@link #cap}) starts at {@code mqtt.broker-inflight-limit}, never exceeds it and
 *       never falls below 1. It halves only after a broker close (not a dead link) that
 *       {@link #limitMayBePassed()} explains: more than one QoS 2 of ours written on that link
 *       awaited PUBREC, or the close came right after a suspect PUBACK or PUBREC. From a server
 *       that never answered a QoS 2 it halves only once a probe is answered (below). It doubles
 *       back once {@link #REGROW_AFTER_MILLIS} passed, without a change and not while probing,
 *       since as many QoS 2 as it allows first awaited PUBREC on a link (see {@link #cap}).</li>
 *   <li>A close that {@link #limitMayBePassed()} explains, from a server that never answered a
 *       QoS 2, may as well be one without QoS 2 (AWS IoT Core closes on the first), and halving
 *       down to 1 before two closes could tell took 6 of them. So it starts a probe instead:
 *       {@link #cap()} is 1, and the next link writes (or sends again, DUP) one QoS 2 until it is
 *       answered. Its PUBREC or PUBACK halves the cap then and ends the probe; its link closed
 *       before an answer is the second close that sends QoS 2 at QoS 1. mosquitto with
 *       max_inflight_messages 1 and max_queued_messages 0 resets the link before its PUBRECs are
 *       read: it answers the probe, and the cap comes down one round trip later. A probe link
 *       closed right after a PUBACK read while QoS 2 of ours from earlier links may be held there
 *       neither counts nor ends the count ({@link #overLimitBeforeProbe}). The cap itself, which
 *       {@link #qos2Written} and {@link #regrow} measure against, waits.</li>
 *   <li>A PUBACK is suspect when its QoS 1 PUBLISH was written while QoS 2 of ours written on
 *       that link awaited PUBREC; its record is confirmed only once anything is read after it
 *       ({@link #readPastLastAnswer()}), and a link lost before that sends it again.</li>
 *   <li>A PUBREC is suspect while it is the last answer read and its message was written with
 *       another QoS 2 of ours awaiting PUBREC; a broker close then takes it back (AWAITING_PUBREC
 *       again), so that message is published again (DUP), never released unheld.</li>
 *   <li>What is learnt about QoS 2 support is per server: a link up to another server of the
 *       failover list than the last link starts it afresh ({@link #linkUp}), and ends a probe
 *       with its halving. The cap is not.</li>
 *   <li>QoS 2 records go out at QoS 1 to this server ({@link #qosToSend}) only after two broker
 *       closes in a row with no QoS 2 answered in between, each on a link where a QoS 2 PUBLISH
 *       of ours got no PUBREC: if the server never answered one, with any number awaiting it (a
 *       probe tells a limit passed from no QoS 2); if it did, with only that one awaiting and no
 *       other held there (no limit can explain the close). It goes back to QoS 2 only on a link
 *       to another server.</li>
 *   <li>A broker close is one call ({@link #brokerClosed}): decided on the state before the link
 *       is lost, the close line written, then its QoS 2 hint, then the cap lowered, a probe
 *       started or QoS 2 given up.</li>
 *   <li>Nothing is allocated per message: a few fields, and the in-flight table of
 *       {@link OutboundDelivery}, read and (at a close) changed here.</li>
 * </ul>
 */
final class BrokerQos2Limits {
    private static final Logger LOG = Log.logger("mqtt");
    /** The hints after a broker close (see {@link #closeHint}); with a count, {@link #limitHint}. */
    static final String NO_QOS2_HINT = "broker may lack QoS 2: it closed before answering one (use qos 1)";
    static final String AFTER_ANSWER_HINT = "broker closed just after answering one of our QoS 2: over its limit?";

    /** Where a broker close is reported: the link, which writes its line and schedules the reconnect. */
    interface LinkLoss {
        void lost(long nowMillis, String reason);
    }

    private final InflightTable inflight;
    /**
     * The broker's in-flight limit this process assumes: {@code mqtt.broker-inflight-limit}
     * ({@link OutboundDelivery#MAX_QOS2_IN_FLIGHT} unless set), halved each time the broker closes
     * the link with more than one QoS 2 message awaiting PUBREC (its limit was passed; see
     * {@link #probing} for a server that never answered one). A broker
     * that drops what passes it without closing (mosquitto with its default
     * {@code max_queued_messages}) cannot be learnt from: only the setting keeps within it.
     * A close with QoS 2 in flight may also be a broker restart or a reset on the way, which
     * look the same; halving for good at each would leave one QoS 2 message per round trip for
     * the rest of the process, too slow for 10 readings/s on a link of 100 ms. So it doubles
     * back after an hour at the lowered cap: a broker whose limit really is lower costs one
     * closed link an hour (its DUP resends lose nothing). The hour counts from when the cap was
     * first reached after it changed: hours that never reached it say nothing of a higher limit,
     * and doubling through them let the next burst pass the limit again at every halving, at once.
     */
    private int cap;
    private final int configuredCap;
    /** Whether as many QoS 2 as the cap awaited PUBREC on a link since it last changed; when first (monotonic). */
    private boolean capReached;
    private long capReachedAtMillis;
    /** The failover list position of the server of the last link, -1 before the first. */
    private int server = -1;
    /**
     * Whether a QoS 2 PUBLISH was written on this link, and whether this server ever answered one
     * (on any link to it: after a close over its limit, the DUP resends may find it closing again).
     */
    private boolean writtenOnLink;
    private boolean answered;
    /**
     * The packet id of the PUBREC that is the last answer read on this link, 0 if none or if
     * something was read after it (see {@link #lowerCap}).
     */
    private int lastPubrecId;
    /**
     * The record (or control message) whose PUBACK is the last answer read on this link, not yet
     * confirmed; {@link InflightTable#NO_RECORD} if none. Its PUBLISH was written while QoS 2
     * messages of ours written on this link awaited PUBREC, and mosquitto with max_queued_messages 0
     * answers one past its limit with an ordinary PUBACK, drops it and closes. Anything read after
     * that PUBACK proves the broker went on; a close before that sends the message again (a
     * duplicate at worst).
     */
    private long unprovenPuback = InflightTable.NO_RECORD;
    /**
     * Broker closes in a row, with no QoS 2 answered in between, that looked like one without
     * QoS 2 (see {@link #brokerClosed}); two make {@link #asQos1}: one close can be a restart
     * that happened to come then.
     */
    private int unansweredCloses;
    /**
     * QoS 2 records go out at QoS 1 while links are to this server: it closes the link on a QoS 2
     * PUBLISH (AWS IoT Core does), so at-least-once is the best it can give.
     */
    private boolean asQos1;
    private boolean downgradeReported;
    /**
     * A halving waits for this server to answer a QoS 2, and until then one at a time goes out
     * (see the class comment): it never answered one, so its close may mean no QoS 2 at all.
     */
    private boolean probing;
    /**
     * While probing, the last answer read on this link is a PUBACK read while QoS 2 of ours written
     * on earlier links may be held at the broker: mosquitto counts them at its limit, answers a
     * QoS 1 DUP resend past it (sent before the probe, in queue order) and closes, so that close
     * says nothing of the probe (measured with 2.0.11, max_inflight_messages 1, a kept session).
     */
    private boolean overLimitBeforeProbe;

    /** How long the cap stays lowered before it doubles back (see {@link #cap}). */
    static final long REGROW_AFTER_MILLIS = 3_600_000;

    BrokerQos2Limits(InflightTable inflight, int brokerInflightLimit) {
        this.inflight = inflight;
        this.cap = brokerInflightLimit;
        this.configuredCap = brokerInflightLimit;
    }

    /**
     * Doubles a lowered cap back once {@link #REGROW_AFTER_MILLIS} passed since it was first
     * reached after it last changed (see {@link #cap}). Not while QoS 2 goes at QoS 1 or a probe
     * waits: the cap then limits nothing, and its line would tell of QoS 2 that is not sent; a
     * link to another server lets it grow again.
     */
    void regrow(long nowMillis) {
        if (!asQos1 && !probing && capReached && cap < configuredCap
                && nowMillis - capReachedAtMillis >= REGROW_AFTER_MILLIS) {
            cap = Math.min(configuredCap, cap * 2);
            capReached = false;
            // The last change may have been a doubling: "after it was lowered" would be an hour off.
            LOG.info("QoS 2 back to at most " + cap + " awaiting PUBREC: not lowered for an hour");
        }
    }

    /** At most this many QoS 2 messages of ours may await PUBREC, or be held at the broker. */
    int cap() {
        return probing ? 1 : cap;
    }

    /** The QoS a record queued at {@code qos} goes out at. */
    int qosToSend(int qos) {
        return qos == 2 && asQos1 ? 1 : qos;
    }

    /** Whether a PUBACK waits for anything read after it (see {@link #unprovenPuback}). */
    boolean pubackUnproven() {
        return unprovenPuback != InflightTable.NO_RECORD;
    }

    // ------------------------------------------------------------------ link up and down

    /** A link is up to the server at {@code serverPosition} in the failover list. */
    void linkUp(int serverPosition) {
        writtenOnLink = false;
        lastPubrecId = 0;
        overLimitBeforeProbe = false;
        if (serverPosition != server) {
            // Another server: what the last one did with QoS 2 says nothing about this one.
            server = serverPosition;
            answered = false;
            unansweredCloses = 0;
            asQos1 = false;
            downgradeReported = false;
            probing = false;
        }
    }

    void linkDown() {
        unprovenPuback = InflightTable.NO_RECORD; // unconfirmed: the rewound queue or lane sends it again
        writtenOnLink = false; // a failed connect after this link is no QoS 2 close
        lastPubrecId = 0; // a PUBREC of a lost link never explains a later close
        overLimitBeforeProbe = false;
    }

    // ------------------------------------------------------------------ what we write, what it answers

    void qos2Written(long nowMillis) {
        writtenOnLink = true;
        if (!capReached && inflight.awaitingPubrecOnLink() >= cap) {
            capReached = true;
            capReachedAtMillis = nowMillis;
        }
    }

    /**
     * The broker answered a QoS 2 PUBLISH of ours with PUBACK: RabbitMQ and several cloud brokers
     * take QoS 2 as QoS 1. Said once per process.
     */
    void qos2AnsweredWithPuback() {
        answered = true;
        unansweredCloses = 0;
        if (!downgradeReported) {
            downgradeReported = true;
            LOG.warn("broker answered QoS 2 with PUBACK: it downgrades QoS 2 to 1");
        }
        probeAnswered();
    }

    /** The broker answered the QoS 2 PUBLISH with {@code id} with PUBREC; nothing was read after it yet. */
    void qos2AnsweredWithPubrec(int id) {
        answered = true;
        unansweredCloses = 0;
        lastPubrecId = id;
        probeAnswered();
    }

    /** QoS 2 works at this server: the close that started a probe was its limit passed. */
    private void probeAnswered() {
        if (probing) {
            probing = false;
            // Takes back the close's hint that it may not support QoS 2.
            halveCap("it answers QoS 2: its limit passed?");
        }
    }

    /**
     * Call for a PUBACK just read, its entry still in {@code slot}: whether it is suspect (see
     * the class comment). If so its record is held here, to be confirmed by
     * {@link #readPastLastAnswer()}, and the caller keeps the entry and must not confirm it.
     */
    boolean holdPuback(int slot) {
        long sequence = inflight.sequence(slot);
        boolean mayBeDropped = inflight.state(slot) == InflightTable.AWAITING_PUBACK
                && inflight.awaitingPubrecWhenWritten(slot) > 0 && sequence != InflightTable.NO_RECORD;
        if (mayBeDropped) {
            unprovenPuback = sequence;
        }
        if (probing && inflight.state(slot) == InflightTable.AWAITING_PUBACK
                && inflight.mayBeHeldAtBroker() > inflight.awaitingPubrecOnLink()) {
            overLimitBeforeProbe = true;
        }
        return mayBeDropped;
    }

    /**
     * Something was read after the last PUBACK or PUBREC: the broker did not close at it, so it
     * took that message. Returns the sequence of a held PUBACK's record, now proven, or
     * {@link InflightTable#NO_RECORD}.
     */
    long readPastLastAnswer() {
        lastPubrecId = 0;
        overLimitBeforeProbe = false;
        long sequence = unprovenPuback;
        unprovenPuback = InflightTable.NO_RECORD;
        return sequence;
    }

    // ------------------------------------------------------------------ a broker close

    /**
     * The broker closed the link (not a dead link), before it is lost: reports the loss to
     * {@code link} with {@code reason}, then what the close may mean for QoS 2 on a line of its own
     * (with the server and the delay the close line is full), then acts on it.
     * Twice in a row plainly without QoS 2 (see the class comment): QoS 2 goes out at QoS 1 to
     * this server, and the line after the close says so instead of a hint. Else, if the close may
     * mean its in-flight limit was passed: the cap halves, or a probe starts if the server never
     * answered a QoS 2.
     */
    void brokerClosed(long nowMillis, String reason, LinkLoss link) {
        int lastPubrecSlot = lastPubrecSlot(); // before the link loss forgets it
        boolean limitPassed = limitMayBePassed(lastPubrecSlot);
        int awaiting = inflight.awaitingPubrecOnLink();
        // Before any PUBREC, several awaiting may be a limit passed as well (mosquitto resets the
        // link before its PUBRECs are read): counted all the same, the probe tells them apart.
        // After a PUBREC, a close with one awaiting and none other held is no limit passed.
        boolean suspect = writtenOnLink && !asQos1 && awaiting > 0 && (!answered
                || !limitPassed && awaiting == 1 && inflight.mayBeHeldAtBroker() == 1);
        if (!overLimitBeforeProbe) { // else neither a suspect close nor one that ends the count
            unansweredCloses = suspect ? unansweredCloses + 1 : 0;
        }
        boolean noQos2 = unansweredCloses >= 2;
        String hint = noQos2 ? "" : closeHint(limitPassed, awaiting);
        link.lost(nowMillis, reason);
        if (!hint.isEmpty()) {
            LOG.warn(hint);
        }
        if (noQos2) {
            sendQos2AsQos1();
        } else if (limitPassed && !answered) {
            probing = true; // no PUBREC was read, so none is taken back
        } else if (limitPassed) {
            lowerCap(lastPubrecSlot);
        }
    }

    /**
     * Why a broker that just closed the link may have done so, or "" if nothing suggests it: one
     * that does not support QoS 2 may close on the first QoS 2 PUBLISH without answering it, and
     * mosquitto closes once more QoS 2 messages than its max_inflight_messages await PUBREL
     * (2.0.11, measured; see {@link #lowerCap}).
     */
    private String closeHint(boolean limitPassed, int awaiting) {
        if (!writtenOnLink || overLimitBeforeProbe) {
            return "";
        }
        if (!answered) {
            return NO_QOS2_HINT;
        }
        if (!limitPassed) {
            return "";
        }
        return awaiting > 1 ? limitHint(awaiting) : AFTER_ANSWER_HINT;
    }

    static String limitHint(int awaiting) {
        return "broker closed with " + awaiting + " QoS 2 awaiting PUBREC: over its limit?";
    }

    /**
     * Whether the broker, closing the link now, may have done so because its in-flight limit was
     * passed: more than one QoS 2 message written on this link awaits PUBREC, or the close came
     * right after the PUBACK or PUBREC of a message written while other QoS 2 of ours may have
     * been held there (mosquitto with max_queued_messages 0 answers the one it drops, then
     * closes; both can be read in one go, with nothing left awaiting PUBREC).
     */
    private boolean limitMayBePassed(int lastPubrecSlot) {
        return writtenOnLink && inflight.awaitingPubrecOnLink() > 1
                || unprovenPuback != InflightTable.NO_RECORD
                || lastPubrecSlot >= 0 && inflight.awaitingPubrecWhenWritten(lastPubrecSlot) > 1;
    }

    /** The slot of the message whose PUBREC is the last answer read on this link, or -1. */
    private int lastPubrecSlot() {
        int slot = lastPubrecId == 0 ? -1 : inflight.slotOfPacketId(lastPubrecId);
        return slot >= 0 && inflight.state(slot) == InflightTable.AWAITING_PUBCOMP ? slot : -1;
    }

    /**
     * An MQTT 3.1.1 client learns a broker's QoS 2 limit no other way than by passing it, so the
     * cap for the next links halves (see {@link #cap}). mosquitto answers the PUBLISH past its
     * limit with a PUBREC too (its "quota exceeded", which MQTT 3.1.1 cannot carry), drops the
     * message and closes: the last PUBREC before such a close is taken back, so that message is
     * published again (DUP) rather than released and lost; a broker that does hold it answers the
     * DUP with PUBREC and delivers it once (measured with 2.0.11).
     */
    private void lowerCap(int lastPubrecSlot) {
        int slot = lastPubrecSlot;
        // Only a PUBREC the class comment calls suspect: a message written alone (a probe) was
        // within any limit, and its PUBREL may be out already: sent again, it would be a new one.
        if (slot >= 0 && inflight.awaitingPubrecWhenWritten(slot) > 1 && inflight.sequence(slot) > InflightTable.NO_RECORD
                && inflight.sequence(slot) != OutboundDelivery.RELEASED_QOS2) {
            inflight.setState(slot, InflightTable.AWAITING_PUBREC);
        }
        halveCap("broker's limit passed?");
    }

    /** {@code why}: the guess the line ends with, in brackets. */
    private void halveCap(String why) {
        if (cap > 1) {
            cap = Math.max(1, cap / 2);
            capReached = false;
            LOG.warn("QoS 2 now at most " + cap + " awaiting PUBREC (" + why + ")");
        }
    }

    /**
     * QoS 2 records go out at QoS 1 from now on. Their QoS 2 entries are dropped rather than
     * released: a broker that closes on QoS 2 may close on a PUBREL too. The rewound queue sends
     * each record again as a new QoS 1 message, so nothing is lost; one whose PUBREC came (a
     * server that answered QoS 2 once, then closes on it) may arrive twice.
     */
    private void sendQos2AsQos1() {
        asQos1 = true;
        probing = false; // its halving was for a limit this server never had
        for (int slot = 0; slot < inflight.capacity(); slot++) {
            int state = inflight.inUse(slot) ? inflight.state(slot) : -1;
            if (state == InflightTable.AWAITING_PUBREC || state == InflightTable.AWAITING_PUBCOMP) {
                inflight.remove(slot);
            }
        }
        LOG.warn("broker closes on QoS 2: sending QoS 2 readings at QoS 1 (at least once)");
    }
}
