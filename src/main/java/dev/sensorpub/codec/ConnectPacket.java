package dev.sensorpub.codec;

/**
 * Everything a CONNECT carries, validated and encoded once when the configuration is read, so
 * that sending it after every reconnect copies bytes and allocates nothing.
 */
public final class ConnectPacket {
    static final int MAX_KEEP_ALIVE_SECONDS = 65_535;

    final byte[] clientId;
    final boolean cleanSession;
    final int keepAliveSeconds;
    final byte[] userName;
    final byte[] password;
    final Topic willTopic;
    final byte[] willPayload;
    final int willQos;
    final boolean willRetain;
    private final String description;

    private ConnectPacket(Builder b) {
        this.clientId = Utf8Strings.encode(b.clientId, "client id", true);
        if (clientId.length == 0 && !b.cleanSession) {
            throw new IllegalArgumentException(
                    "client id is empty, which MQTT 3.1.1 allows only with clean session; set a client id");
        }
        if (b.keepAliveSeconds < 0 || b.keepAliveSeconds > MAX_KEEP_ALIVE_SECONDS) {
            throw new IllegalArgumentException("keep alive " + b.keepAliveSeconds + " s is outside 0.."
                    + MAX_KEEP_ALIVE_SECONDS + " s");
        }
        if (b.password != null && b.userName == null) {
            throw new IllegalArgumentException("a password needs a user name in MQTT 3.1.1");
        }
        if (b.password != null && b.password.length > Utf8Strings.MAX_LENGTH) {
            throw new IllegalArgumentException("password is " + b.password.length + " bytes; the limit is "
                    + Utf8Strings.MAX_LENGTH);
        }
        if (b.willTopic != null && b.willTopic.isFilter()) {
            throw new IllegalArgumentException("will topic '" + b.willTopic + "' is a filter, not a topic name");
        }
        if (b.willQos < 0 || b.willQos > 2) {
            throw new IllegalArgumentException("will QoS " + b.willQos + " is not 0, 1 or 2");
        }
        if (b.willPayload != null && b.willPayload.length > Utf8Strings.MAX_LENGTH) {
            throw new IllegalArgumentException("will payload is " + b.willPayload.length
                    + " bytes; the limit is " + Utf8Strings.MAX_LENGTH);
        }
        this.cleanSession = b.cleanSession;
        this.keepAliveSeconds = b.keepAliveSeconds;
        this.userName = b.userName == null ? null : Utf8Strings.encode(b.userName, "user name", true);
        this.password = b.password == null ? null : b.password.clone();
        this.willTopic = b.willTopic;
        this.willPayload = b.willTopic == null ? null : (b.willPayload == null ? new byte[0] : b.willPayload.clone());
        this.willQos = b.willTopic == null ? 0 : b.willQos;
        this.willRetain = b.willTopic != null && b.willRetain;
        this.description = "client id '" + b.clientId + "', clean session " + (cleanSession ? "yes" : "no")
                + ", keep alive " + keepAliveSeconds + " s"
                + (userName == null ? "" : ", user name '" + b.userName + "'")
                + (password == null ? "" : ", password set")
                + (willTopic == null ? "" : ", will on '" + willTopic + "' QoS " + willQos + (willRetain ? " retained" : ""));
    }

    public static Builder builder(String clientId) {
        return new Builder(clientId);
    }

    public boolean cleanSession() {
        return cleanSession;
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    /** Safe to log: names the user but never shows the password. */
    @Override
    public String toString() {
        return description;
    }

    /** Collects CONNECT options; {@link #build()} validates them all. */
    public static final class Builder {
        private final String clientId;
        private boolean cleanSession = true;
        private int keepAliveSeconds = 60;
        private String userName;
        private byte[] password;
        private Topic willTopic;
        private byte[] willPayload;
        private int willQos;
        private boolean willRetain;

        private Builder(String clientId) {
            this.clientId = clientId;
        }

        public Builder cleanSession(boolean value) {
            this.cleanSession = value;
            return this;
        }

        public Builder keepAliveSeconds(int seconds) {
            this.keepAliveSeconds = seconds;
            return this;
        }

        public Builder userName(String value) {
            this.userName = value;
            return this;
        }

        public Builder password(byte[] value) {
            this.password = value;
            return this;
        }

        public Builder will(Topic topic, byte[] payload, int qos, boolean retain) {
            this.willTopic = topic;
            this.willPayload = payload;
            this.willQos = qos;
            this.willRetain = retain;
            return this;
        }

        /** @throws IllegalArgumentException naming the first option that MQTT 3.1.1 does not allow */
        public ConnectPacket build() {
            return new ConnectPacket(this);
        }
    }
}
