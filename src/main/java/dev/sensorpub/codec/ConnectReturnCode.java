package dev.sensorpub.codec;

/** CONNACK return codes 0-5 of MQTT 3.1.1, each with the words a person at the console needs. */
public final class ConnectReturnCode {
    public static final int ACCEPTED = 0;
    public static final int UNACCEPTABLE_PROTOCOL_VERSION = 1;
    public static final int IDENTIFIER_REJECTED = 2;
    public static final int SERVER_UNAVAILABLE = 3;
    public static final int BAD_USER_NAME_OR_PASSWORD = 4;
    public static final int NOT_AUTHORIZED = 5;

    private static final String[] DESCRIPTIONS = {
        "accepted (0)",
        "refused: unacceptable protocol version (1)",
        "refused: identifier rejected (2)",
        "refused: server unavailable (3)",
        "refused: bad user name or password (4)",
        "refused: not authorized (5)",
    };

    private ConnectReturnCode() {
    }

    /** For example {@code "refused: bad user name or password (4)"}. */
    public static String describe(int code) {
        return code >= 0 && code < DESCRIPTIONS.length ? DESCRIPTIONS[code] : "refused: unknown return code (" + code + ")";
    }

    /**
     * Whether retrying soon can help. Only "server unavailable" is transient; a wrong protocol
     * version, a rejected id, bad credentials or a missing permission stay wrong until a person
     * changes the configuration or the broker.
     */
    public static boolean isTransient(int code) {
        return code == SERVER_UNAVAILABLE;
    }
}
