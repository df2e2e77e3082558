package dev.sensorpub.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code mqtt.*} keys, validated. Durations are in milliseconds, sizes in bytes. Optional
 * values are null when absent. {@link #toString()} never shows the password.
 */
public record MqttSettings(List<ServerAddress> servers, String clientId, int keepAliveSeconds, boolean cleanSession,
                           String username, String password, String statusTopic, long connectTimeoutMillis,
                           long reconnectMinDelayMillis, long reconnectMaxDelayMillis, long reconnectResetAfterMillis,
                           int inflightWindow, int brokerInflightLimit, int maxPacketSize, Path tlsCaFile, Path tlsCertFile, Path tlsKeyFile,
                           boolean tlsVerifyHostname) {

    @Override
    public String toString() {
        return "MqttSettings[servers=" + servers + ", clientId=" + clientId + ", keepAlive=" + keepAliveSeconds
                + "s, cleanSession=" + cleanSession + ", username=" + (username == null ? "-" : username)
                + ", password=" + (password == null ? "-" : "(set)") + ", statusTopic=" + statusTopic
                + ", inflightWindow=" + inflightWindow + ", brokerInflightLimit=" + brokerInflightLimit
                + ", maxPacketSize=" + maxPacketSize + "]";
    }
}
