package dev.sensorpub.config;

/**
 * One {@code output.<name>.*} block ({@code type = gpio-output}), validated. Durations in milliseconds.
 *
 * @param pin             BCM GPIO number
 * @param inverted        the line is driven low for "on" (active-low relay boards)
 * @param initialOn       the state driven at start, before any command
 * @param commandTopic    where commands arrive (expanded, a valid topic name)
 * @param stateTopic      where the state is echoed, retained, after every change
 * @param onForMillis     0: ON stays on; otherwise ON is a pulse of this length
 * @param safeAfterMillis how long the broker link may be down before {@code safeState} is applied
 * @param qos             subscription QoS for commands and QoS of the state echo
 */
public record OutputConfig(String name, int pin, boolean inverted, boolean initialOn, String commandTopic,
                           String stateTopic, String onPayload, String offPayload, long onForMillis,
                           SafeState safeState, long safeAfterMillis, int qos, HaOverrides ha) {

    /** What an output does when the link has been down for {@code safe-after}. */
    public enum SafeState { OFF, ON, KEEP }
}
