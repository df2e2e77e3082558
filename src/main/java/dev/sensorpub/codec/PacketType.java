package dev.sensorpub.codec;

/** MQTT 3.1.1 control packet types (the high nibble of the first byte). */
public final class PacketType {
    public static final int CONNECT = 1;
    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int PUBREC = 5;
    public static final int PUBREL = 6;
    public static final int PUBCOMP = 7;
    public static final int SUBSCRIBE = 8;
    public static final int SUBACK = 9;
    public static final int UNSUBSCRIBE = 10;
    public static final int UNSUBACK = 11;
    public static final int PINGREQ = 12;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;

    private static final String[] NAMES = {
        "type 0 (reserved)", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
        "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "type 15 (reserved)"
    };

    private PacketType() {
    }

    /**
     * The packet's name as the specification spells it, or what a reserved type is in plain words;
     * a constant, so logging it allocates nothing.
     */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "invalid(" + type + ")";
    }
}
