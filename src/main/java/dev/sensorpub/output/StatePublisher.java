package dev.sensorpub.output;

import dev.sensorpub.codec.Topic;

/** Where {@link Outputs} hands state echoes; the agent appends them to the queue, retained. */
@FunctionalInterface
public interface StatePublisher {
    /** {@code payload} is the controller's own array: copy it (the queue does), never keep it. */
    void publishRetained(Topic topic, byte[] payload, int qos);
}
