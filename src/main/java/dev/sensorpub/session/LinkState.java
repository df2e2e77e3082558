package dev.sensorpub.session;

/** Where the session's link to the broker stands. */
public enum LinkState {
    /** Waiting for the reconnect delay to pass. */
    WAITING,
    /** TCP connect and, for ssl://, the TLS handshake. */
    CONNECTING,
    /** CONNECT written, CONNACK not yet read. */
    AWAITING_CONNACK,
    /** CONNACK accepted: messages flow. */
    CONNECTED,
    /** Shut down for good. */
    CLOSED
}
