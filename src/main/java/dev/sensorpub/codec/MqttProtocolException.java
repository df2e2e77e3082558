package dev.sensorpub.codec;

/**
 * A broker sent something MQTT 3.1.1 does not allow. The message says what, in words, for
 * example {@code "CONNACK remaining length 3, expected 2"}. The only sane reaction is to close
 * the link: the byte stream can no longer be trusted to be in step.
 */
public final class MqttProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public MqttProtocolException(String reason) {
        super(reason, null, false, false);
    }
}
