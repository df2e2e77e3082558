package dev.sensorpub.session;

/** Plain counters for the status line; updated only by the loop thread. */
public final class SessionCounters {
    long connects;
    long connectFailures;
    long linkLosses;
    long deadLinksDetected;
    long protocolErrors;
    long published;
    long acknowledged;
    long resentAfterReconnect;
    long inboundMessages;
    long lastDeadLinkDetectionMillis = -1;
    long oversizedInboundDropped;

    public long connects() {
        return connects;
    }

    /** Successful CONNACKs after the first. */
    public long reconnects() {
        return Math.max(0, connects - 1);
    }

    public long connectFailures() {
        return connectFailures;
    }

    public long linkLosses() {
        return linkLosses;
    }

    /** Links declared dead because the broker stopped answering (the tunnel case). */
    public long deadLinksDetected() {
        return deadLinksDetected;
    }

    public long protocolErrors() {
        return protocolErrors;
    }

    /** PUBLISH packets written, QoS 0 and retransmissions included. */
    public long published() {
        return published;
    }

    /** Records the broker proved it has (PUBACK, PUBCOMP, or a later answer for QoS 0). */
    public long acknowledged() {
        return acknowledged;
    }

    /** Messages sent again after a reconnect because their delivery was not proven. */
    public long resentAfterReconnect() {
        return resentAfterReconnect;
    }

    public long inboundMessages() {
        return inboundMessages;
    }

    /** How long the last dead-link detection took, from the last packet received; -1 if none. */
    public long lastDeadLinkDetectionMillis() {
        return lastDeadLinkDetectionMillis;
    }

    /** Inbound PUBLISH packets over the maximum packet size: read past, acknowledged, not delivered. */
    public long oversizedInboundDropped() {
        return oversizedInboundDropped;
    }
}
