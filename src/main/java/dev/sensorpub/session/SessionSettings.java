package dev.sensorpub.session;

import dev.sensorpub.transport.TlsSettings;

/**
 * What the session needs to know, already parsed and range-checked by the configuration.
 * {@link #toString()} never shows the password.
 */
public final class SessionSettings {
    final String servers;
    final String clientId;
    final boolean cleanSession;
    final int keepAliveSeconds;
    final String userName;
    final byte[] password;
    final String statusTopic;
    final int inflightWindow;
    final int brokerInflightLimit;
    final int maxPacketSize;
    final int sendBufferSize;
    final long connectTimeoutMillis;
    final long reconnectMinDelayMillis;
    final long reconnectMaxDelayMillis;
    final long reconnectResetAfterMillis;
    final TlsSettings tls;
    final int flushRatePerSecond;
    final int qos0ProofWindow;
    final long qos0ProofBytes;
    final int maxMessageBytes;

    /**
     * The largest in-flight window: MQTT has 65,535 packet ids, and besides the window's the
     * retained status takes one (its kept slot, see InflightTable) and the SUBSCRIBE sent at every
     * CONNACK another (a full window of 65,535 left it none, and the loop thread searched for one
     * for ever).
     */
    public static final int MAX_INFLIGHT_WINDOW = 65_533;

    private SessionSettings(Builder b) {
        servers = b.servers;
        clientId = b.clientId;
        cleanSession = b.cleanSession;
        keepAliveSeconds = b.keepAliveSeconds;
        userName = b.userName;
        password = b.password == null ? null : b.password.clone();
        statusTopic = b.statusTopic;
        inflightWindow = b.inflightWindow;
        brokerInflightLimit = b.brokerInflightLimit;
        maxPacketSize = b.maxPacketSize;
        sendBufferSize = b.sendBufferSize;
        connectTimeoutMillis = b.connectTimeoutMillis;
        reconnectMinDelayMillis = b.reconnectMinDelayMillis;
        reconnectMaxDelayMillis = b.reconnectMaxDelayMillis;
        reconnectResetAfterMillis = b.reconnectResetAfterMillis;
        tls = b.tls;
        flushRatePerSecond = b.flushRatePerSecond;
        qos0ProofWindow = b.qos0ProofWindow;
        qos0ProofBytes = b.qos0ProofBytes;
        maxMessageBytes = b.maxMessageBytes;
        if (inflightWindow < 1 || inflightWindow > MAX_INFLIGHT_WINDOW) {
            throw new IllegalArgumentException("in-flight window " + inflightWindow + " is outside 1.."
                    + MAX_INFLIGHT_WINDOW + ": MQTT has 65535 packet ids and the status and a SUBSCRIBE need one each besides the window");
        }
        if (keepAliveSeconds < 1 || keepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("keep alive " + keepAliveSeconds
                    + " s is outside 1..65535 s; dead-link detection needs it");
        }
        if (brokerInflightLimit < 1 || brokerInflightLimit > 65_535) {
            throw new IllegalArgumentException("broker in-flight limit " + brokerInflightLimit + " is outside 1..65535");
        }
        if (connectTimeoutMillis < 1) {
            throw new IllegalArgumentException("connect timeout must be at least 1 ms");
        }
        if (sendBufferSize < 1024) {
            throw new IllegalArgumentException("send buffer of " + sendBufferSize + " bytes is below 1024");
        }
    }

    public static Builder builder(String servers, String clientId) {
        return new Builder(servers, clientId);
    }

    public String clientId() {
        return clientId;
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int sendBufferSize() {
        return sendBufferSize;
    }

    @Override
    public String toString() {
        return "servers " + servers + ", client id '" + clientId + "', clean session " + (cleanSession ? "yes" : "no")
                + ", keep alive " + keepAliveSeconds + " s" + (userName == null ? "" : ", user '" + userName + "'")
                + (password == null ? "" : ", password set") + ", window " + inflightWindow;
    }

    /** Defaults fit a Pi on a flaky uplink: persistent session, 30 s keep alive, window 32. */
    public static final class Builder {
        private final String servers;
        private final String clientId;
        private boolean cleanSession;
        private int keepAliveSeconds = 30;
        private String userName;
        private byte[] password;
        private String statusTopic;
        private int inflightWindow = 32;
        private int brokerInflightLimit = OutboundDelivery.MAX_QOS2_IN_FLIGHT;
        private int maxPacketSize = 64 * 1024;
        private int sendBufferSize = 64 * 1024;
        private long connectTimeoutMillis = 10_000;
        private long reconnectMinDelayMillis = 1_000;
        private long reconnectMaxDelayMillis = 60_000;
        private long reconnectResetAfterMillis = 30_000;
        private TlsSettings tls;
        private int flushRatePerSecond;
        private int qos0ProofWindow = 4096;
        private long qos0ProofBytes = 64 * 1024;
        private int maxMessageBytes = 4096;

        private Builder(String servers, String clientId) {
            this.servers = servers;
            this.clientId = clientId;
        }

        public Builder cleanSession(boolean v) {
            cleanSession = v;
            return this;
        }

        public Builder keepAliveSeconds(int v) {
            keepAliveSeconds = v;
            return this;
        }

        public Builder credentials(String user, byte[] pass) {
            userName = user;
            password = pass;
            return this;
        }

        /** Retained "online" after each connect, "offline" as the will and on clean shutdown; null for none. */
        public Builder statusTopic(String v) {
            statusTopic = v;
            return this;
        }

        public Builder inflightWindow(int v) {
            inflightWindow = v;
            return this;
        }

        /**
         * How many of our QoS 1 and 2 messages the broker takes at once (mosquitto's
         * {@code max_inflight_messages}): past it, mosquitto 2.0.11 answers as if it took them and
         * drops them, so the session stays below it (see {@link OutboundDelivery}).
         */
        public Builder brokerInflightLimit(int v) {
            brokerInflightLimit = v;
            return this;
        }

        public Builder maxPacketSize(int v) {
            maxPacketSize = v;
            return this;
        }

        public Builder sendBufferSize(int v) {
            sendBufferSize = v;
            return this;
        }

        public Builder connectTimeoutMillis(long v) {
            connectTimeoutMillis = v;
            return this;
        }

        public Builder reconnectDelays(long minMillis, long maxMillis, long resetAfterMillis) {
            reconnectMinDelayMillis = minMillis;
            reconnectMaxDelayMillis = maxMillis;
            reconnectResetAfterMillis = resetAfterMillis;
            return this;
        }

        public Builder tls(TlsSettings v) {
            tls = v;
            return this;
        }

        public Builder flushRatePerSecond(int v) {
            flushRatePerSecond = v;
            return this;
        }

        /**
         * How many QoS 0 messages, and bytes, may be written before the broker must prove it got
         * them. The byte bound caps the budget a PINGREQ may queue behind (see Qos0Proofs).
         */
        public Builder qos0ProofWindow(int messages, long bytes) {
            qos0ProofWindow = messages;
            qos0ProofBytes = bytes;
            return this;
        }

        /** The largest topic plus payload the queue will hand over, in bytes. */
        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public SessionSettings build() {
            return new SessionSettings(this);
        }
    }
}
