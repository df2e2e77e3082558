package dev.sensorpub.session;

import dev.sensorpub.codec.IncomingPacket;

/** Receives PUBLISH packets from subscriptions, on the loop thread; must not block. */
@FunctionalInterface
public interface InboundHandler {
    /** {@code publish} is a view valid only during the call. QoS 2 messages arrive exactly once. */
    void onMessage(IncomingPacket publish);
}
