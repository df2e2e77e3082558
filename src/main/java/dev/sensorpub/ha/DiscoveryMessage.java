package dev.sensorpub.ha;

import dev.sensorpub.codec.Topic;
import java.nio.charset.StandardCharsets;

/**
 * One discovery message: a config at {@code <prefix>/<component>/<node>/<object>/config}, or an
 * empty payload that removes the entity. Always published retained (so Home Assistant finds it
 * whenever it starts) at QoS 1.
 */
public record DiscoveryMessage(Topic topic, byte[] payload) {
    public static final int QOS = 1;

    public boolean retain() {
        return true;
    }

    /** True for the empty payload that removes an entity. */
    public boolean isClear() {
        return payload.length == 0;
    }

    /** For logs and tests. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
