package dev.sensorpub.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built MQTT 3.1.1 packets for tests below the codec (transport and fixture tests), so they can
 * talk to mosquitto without any MQTT library. Only what those tests send; deliberately tiny.
 */
public final class RawPackets {
    /** CONNACK, session present 0, return code 0 (accepted). */
    public static final byte[] CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};
    public static final byte[] PINGREQ = {(byte) 0xC0, 0x00};
    public static final byte[] PINGRESP = {(byte) 0xD0, 0x00};

    private RawPackets() {
    }

    /** CONNECT with clean session, keepalive 60 s, no will, no credentials. */
    public static byte[] connect(String clientId) {
        return connect(clientId, null, null);
    }

    /** CONNECT with clean session 0, so the broker keeps the session; keepalive 60 s. */
    public static byte[] connectPersistent(String clientId) {
        return connect(clientId, false, null, null);
    }

    /** CONNECT with clean session, keepalive 60 s and optional user name and password. */
    public static byte[] connect(String clientId, String user, String password) {
        return connect(clientId, true, user, password);
    }

    private static byte[] connect(String clientId, boolean cleanSession, String user, String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        int flags = (cleanSession ? 0x02 : 0) | (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
        body.write(flags);
        body.write(0);
        body.write(60);
        writeString(body, clientId);
        if (user != null) {
            writeString(body, user);
        }
        if (password != null) {
            writeString(body, password);
        }
        return withFixedHeader(0x10, body.toByteArray());
    }

    /** CONNACK with the given session-present flag and return code. */
    public static byte[] connack(boolean sessionPresent, int returnCode) {
        return new byte[] {0x20, 0x02, (byte) (sessionPresent ? 1 : 0), (byte) returnCode};
    }

    private static byte[] withFixedHeader(int firstByte, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        return packet.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length >> 8);
        out.write(utf8.length & 0xFF);
        out.writeBytes(utf8);
    }
}
