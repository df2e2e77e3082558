package dev.sensorpub.config;

/** One broker from {@code mqtt.server}: {@code tcp://host:port} or {@code ssl://host:port}. */
public record ServerAddress(boolean tls, String host, int port) {
    @Override
    public String toString() {
        return (tls ? "ssl://" : "tcp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
