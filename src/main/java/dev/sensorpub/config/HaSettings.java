package dev.sensorpub.config;

import java.nio.file.Path;

/**
 * The {@code ha.*} keys: Home Assistant MQTT discovery.
 *
 * @param discovery  announce sensors and outputs to Home Assistant
 * @param prefix     the discovery prefix ({@code homeassistant}); Home Assistant's birth message
 *                   arrives on {@code <prefix>/status}
 * @param nodeId     the node part of every discovery topic and of every unique_id, [a-zA-Z0-9_-]
 * @param deviceName the device's name in Home Assistant
 * @param stateFile  where the announced discovery topics are remembered between runs, so a
 *                   sensor removed from the mapping file is cleared; null when nowhere
 */
public record HaSettings(boolean discovery, String prefix, String nodeId, String deviceName, Path stateFile) {
}
