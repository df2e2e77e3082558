package dev.sensorpub.sensor;

/**
 * Hardware that cannot be opened, with a message meant for the person at the Pi: what failed,
 * the real reason (errno, missing device node, missing group) and the fix, in one line.
 */
public final class HardwareException extends RuntimeException {
    public HardwareException(String message, Throwable cause) {
        super(message, cause);
    }
}
