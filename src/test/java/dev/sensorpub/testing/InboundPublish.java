package dev.sensorpub.testing;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.MqttProtocolException;
import dev.sensorpub.codec.PacketDecoder;
import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import java.nio.charset.StandardCharsets;

/** A PUBLISH as the session hands it to an inbound handler: decoded from real wire bytes. */
public final class InboundPublish {
    private InboundPublish() {
    }

    /** Each call has its own decoder, so the packet stays valid as long as the caller keeps it. */
    public static IncomingPacket of(String topic, String payload, int qos, boolean retain) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        Topic t = Topic.name(topic);
        byte[] wire = new byte[PacketEncoder.publishSize(t.length(), p.length, qos)];
        PacketEncoder.encodePublish(wire, 0, t, qos, false, retain, qos == 0 ? 0 : 1, p, 0, p.length);
        PacketDecoder decoder = new PacketDecoder(wire.length + 16);
        decoder.feed(wire, 0, wire.length);
        IncomingPacket packet = new IncomingPacket();
        try {
            if (!decoder.next(packet)) {
                throw new IllegalStateException("incomplete packet");
            }
        } catch (MqttProtocolException e) {
            throw new IllegalStateException(e);
        }
        return packet;
    }

    public static IncomingPacket of(String topic, String payload) {
        return of(topic, payload, 1, false);
    }
}
