package dev.sensorpub.transport;

/**
 * One broker address from a URL such as {@code tcp://broker.local:1883} or {@code ssl://[::1]:8883}.
 * Parsed by hand rather than with {@link java.net.URI} so that every mistake gets an error that names it,
 * and so that what {@code --check} accepts is exactly what the session connects to: host names may hold
 * '_' (Docker and compose service names), IPv6 literals a zone ({@code [fe80::1%eth0]}, link-local
 * brokers need one). An error never repeats what stands before an '@': that is where people put a
 * password.
 */
public final class Endpoint {
    public static final int DEFAULT_TCP_PORT = 1883;
    public static final int DEFAULT_TLS_PORT = 8883;

    private final boolean tls;
    private final String host;
    private final int port;

    private Endpoint(boolean tls, String host, int port) {
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    /**
     * Parses {@code tcp://host[:port]} or {@code ssl://host[:port]}; IPv6 literals go in brackets.
     *
     * @throws IllegalArgumentException naming the URL and what is wrong with it
     */
    public static Endpoint parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker URL is empty: write tcp://host:port or ssl://host:port");
        }
        String text = url.trim();
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            int schemeAt = text.indexOf("://");
            String shown = (schemeAt >= 0 && schemeAt < at ? text.substring(0, schemeAt + 3) : "") + "...@"
                    + text.substring(at + 1);
            throw new IllegalArgumentException("broker URL '" + shown + "' has user info before '@' (not shown): "
                    + "put the user in mqtt.username and the password in mqtt.password");
        }
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw bad(url, "has no scheme: write tcp://" + text + " or ssl://" + text);
        }
        String scheme = text.substring(0, schemeEnd);
        boolean tls;
        if (scheme.equalsIgnoreCase("tcp")) {
            tls = false;
        } else if (scheme.equalsIgnoreCase("ssl")) {
            tls = true;
        } else {
            throw bad(url, "has unknown scheme '" + scheme + "': use tcp:// (plain) or ssl:// (TLS)");
        }
        String rest = text.substring(schemeEnd + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                throw bad(url, "contains '" + c + "': only host and port are allowed (no path or query)");
            }
        }
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(url, "opens '[' for an IPv6 address but never closes it with ']'");
            }
            host = ipv6(url, rest.substring(1, close));
            String after = rest.substring(close + 1);
            if (after.isEmpty()) {
                portText = null;
            } else if (after.startsWith(":")) {
                portText = after.substring(1);
            } else {
                throw bad(url, "has '" + after + "' after the IPv6 address; expected ':port'");
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
                throw bad(url, "looks like an IPv6 address without brackets: write " + scheme + "://[" + rest + "]:port");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
            checkHostName(url, host);
        }
        int port = portText == null ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : parsePort(url, portText);
        return new Endpoint(tls, host, port);
    }

    private static void checkHostName(String url, String host) {
        if (host.isEmpty()) {
            throw bad(url, "has no host name");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw bad(url, "has character '" + c + "' in host name '" + host + "'");
            }
        }
    }

    /** An IPv6 literal, optionally with a zone after '%' (RFC 6874 writes it %25, which is accepted too). */
    private static String ipv6(String url, String literal) {
        int percent = literal.indexOf('%');
        String address = percent < 0 ? literal : literal.substring(0, percent);
        checkIpv6(url, address);
        if (percent < 0) {
            return address;
        }
        String zone = literal.substring(percent + 1);
        if (zone.startsWith("25") && zone.length() > 2) {
            zone = zone.substring(2);
        }
        if (zone.isEmpty()) {
            throw bad(url, "has an empty zone after '%'; write the interface, e.g. [fe80::1%eth0]");
        }
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw bad(url, "has character '" + c + "' in zone '" + zone + "'; expected an interface name");
            }
        }
        return address + "%" + zone;
    }

    private static void checkIpv6(String url, String host) {
        if (host.isEmpty() || host.indexOf(':') < 0) {
            throw bad(url, "has '[" + host + "]', which is not an IPv6 address");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                throw bad(url, "has character '" + c + "' in IPv6 address '" + host + "'");
            }
        }
    }

    private static int parsePort(String url, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                // not repeated: "tcp://user:password" without "@host" puts the password here
                throw bad(url.substring(0, url.lastIndexOf(':') + 1) + "...", "has a port that is not a number "
                        + "(not shown); expected a number from 1 to 65535, and user info goes in mqtt.username "
                        + "and mqtt.password");
            }
        }
        if (text.isEmpty() || text.length() > 5) {
            throw bad(url, "has port '" + text + "'; expected a number from 1 to 65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw bad(url, "has port " + port + "; expected a number from 1 to 65535");
        }
        return port;
    }

    private static IllegalArgumentException bad(String url, String problem) {
        return new IllegalArgumentException("broker URL '" + url + "' " + problem);
    }

    /** True for {@code ssl://}: the link needs a {@link TlsTransport}. */
    public boolean isTls() {
        return tls;
    }

    /**
     * The host name or IP literal, without brackets, an IPv6 zone as {@code %eth0}; what TLS checks
     * the certificate against.
     */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}, with IPv6 literals in brackets, for log lines and errors. */
    public String hostAndPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "ssl://" : "tcp://") + hostAndPort();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint && ((Endpoint) o).tls == tls && ((Endpoint) o).port == port
                && ((Endpoint) o).host.equalsIgnoreCase(host);
    }

    @Override
    public int hashCode() {
        return host.toLowerCase(java.util.Locale.ROOT).hashCode() * 31 + port + (tls ? 1 : 0);
    }
}
