package dev.sensorpub.session;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.MqttProtocolException;
import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.PacketType;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;

/**
 * Every packet the broker sends goes through here once: acks to outbound delivery, PINGRESP to
 * the keep alive, PUBLISH to the application, and the subscriptions with their SUBACK.
 *
 * <p>Invariants a reader can check here:
 * <ul>
 *   <li>Before CONNACK only CONNACK is accepted; a second CONNACK closes the link.</li>
 *   <li>Every inbound QoS 1 PUBLISH is answered by PUBACK, every QoS 2 one by PUBREC, and
 *       every PUBREL by PUBCOMP; the caller makes sure one answer fits before each packet.</li>
 *   <li>An inbound QoS 2 message reaches the application once: its id is remembered from
 *       PUBLISH until PUBREL, and a repeat in between is acknowledged, not delivered.</li>
 *   <li>The subscriptions go out as one SUBSCRIBE with a packet id from the in-flight table, so
 *       ids never collide with messages in flight.</li>
 * </ul>
 */
final class InboundDispatch {
    private static final Logger LOG = Log.logger("mqtt");

    private final BrokerLink link;
    private final OutboundDelivery outbound;
    private final KeepAlive keepAlive;
    private final InboundHandler application;
    private final SendBuffer out;
    private final SessionCounters counters;
    private final InboundQos2Ids inboundQos2 = new InboundQos2Ids();
    private final ProtocolWarnings warnings;

    private final Topic[] subscriptions = new Topic[16];
    private final int[] subscriptionQos = new int[16];
    private int subscriptionCount;
    private int subscribePacketId;

    InboundDispatch(BrokerLink link, OutboundDelivery outbound, KeepAlive keepAlive, InboundHandler application,
            SendBuffer out, SessionCounters counters, ProtocolWarnings warnings) {
        this.warnings = warnings;
        this.link = link;
        this.outbound = outbound;
        this.keepAlive = keepAlive;
        this.application = application;
        this.out = out;
        this.counters = counters;
    }

    void subscribe(Topic filter, int qos) {
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

    /** A CONNACK was accepted: forget inbound state the broker did not keep, and subscribe. */
    void linkUp(boolean sessionPresent) {
        InflightTable ids = outbound.inflight();
        if (!sessionPresent) {
            inboundQos2.clear();
        }
        if (subscribePacketId != 0) { // the last link was lost before its SUBACK
            ids.releasePacketId(subscribePacketId);
            subscribePacketId = 0;
        }
        // On every CONNACK, kept session or not: a subscription added to the configuration since
        // the broker stored the session would otherwise never be made. Subscribing again to a
        // filter the broker has is harmless (it replaces the old one).
        if (subscriptionCount > 0) {
            subscribePacketId = ids.reservePacketId();
            int p = out.reserve(PacketEncoder.subscribeSize(subscriptions, subscriptionCount));
            out.commit(PacketEncoder.encodeSubscribe(out.bytes(), p, subscribePacketId, subscriptions, subscriptionQos,
                    subscriptionCount));
        }
    }

    void handle(IncomingPacket packet, long nowMillis) throws MqttProtocolException {
        int type = packet.type();
        if (link.state() == LinkState.AWAITING_CONNACK) {
            if (type != PacketType.CONNACK) {
                throw new MqttProtocolException(PacketType.name(type) + " before CONNACK");
            }
            link.onConnack(packet, nowMillis);
            return;
        }
        switch (type) {
            case PacketType.CONNACK -> throw new MqttProtocolException("a second CONNACK on one connection");
            case PacketType.PUBACK -> outbound.onPuback(packet.packetId(), nowMillis);
            case PacketType.PUBREC -> outbound.onPubrec(packet.packetId(), nowMillis);
            case PacketType.PUBCOMP -> outbound.onPubcomp(packet.packetId(), nowMillis);
            case PacketType.PUBLISH -> onPublish(packet, nowMillis);
            case PacketType.PUBREL -> {
                inboundQos2.remove(packet.packetId());
                out.writeAck(PacketType.PUBCOMP, packet.packetId());
            }
            case PacketType.SUBACK -> onSuback(packet, nowMillis);
            case PacketType.UNSUBACK -> warnings.warn(ProtocolWarnings.UNEXPECTED_UNSUBACK, packet.packetId(), nowMillis);
            case PacketType.PINGRESP -> {
                long mark = keepAlive.answered(nowMillis);
                if (mark >= 0) {
                    outbound.proveQos0(mark, nowMillis);
                }
            }
            default -> throw new MqttProtocolException(PacketType.name(type) + " is not handled");
        }
    }

    private void onPublish(IncomingPacket packet, long nowMillis) {
        int qos = packet.qos();
        int id = packet.packetId();
        if (packet.discardedBytes() > 0) {
            // Too large to keep: acknowledged all the same, or a kept session would redeliver it
            // on every reconnect and stop the data path for good.
            counters.oversizedInboundDropped++;
            warnings.warn(ProtocolWarnings.OVERSIZED_PUBLISH, packet.discardedBytes(), nowMillis);
        } else if (qos < 2 || inboundQos2.add(id)) {
            counters.inboundMessages++;
            application.onMessage(packet);
        }
        if (qos == 1) {
            out.writeAck(PacketType.PUBACK, id);
        } else if (qos == 2) {
            out.writeAck(PacketType.PUBREC, id);
        }
    }

    private void onSuback(IncomingPacket packet, long nowMillis) {
        if (packet.packetId() != subscribePacketId) {
            warnings.warn(ProtocolWarnings.UNEXPECTED_SUBACK, packet.packetId(), nowMillis);
            return;
        }
        outbound.inflight().releasePacketId(subscribePacketId);
        subscribePacketId = 0;
        for (int i = 0; i < subscriptionCount; i++) {
            int code = i < packet.subackCodeCount() ? packet.subackCode(i) : 0x80;
            if (code == 0x80) {
                LOG.error("SUBACK 0x80 for '" + subscriptions[i] + "': not allowed"
                        + (subscriptionQos[i] == 2 ? ", or no QoS 2 (try qos 1)" : ""));
            } else {
                LOG.info("subscribed to '" + subscriptions[i] + "' (QoS " + code + ")");
            }
        }
    }
}
