package dev.sensorpub.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.MappingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery configs checked field by field against Home Assistant's MQTT discovery schema. */
class DiscoveryTest {
    private static final List<String> GARAGE = List.of(
            "board = simulator",
            "mqtt.server = tcp://127.0.0.1:1883",
            "mqtt.client-id = garage-pi",
            "ha.discovery = true",
            "sensor.door.type = gpio-input", "sensor.door.pin = 17", "sensor.door.topic = garage/door",
            "sensor.env.type = bme280", "sensor.env.topic = garage/env", "sensor.env.interval = 30s",
            "sensor.env.format = json",
            "sensor.cpu.type = cpu-temperature", "sensor.cpu.topic = garage/cpu",
            "sensor.adc.type = mcp3008", "sensor.adc.channel = 0", "sensor.adc.output = volts",
            "sensor.adc.topic = garage/adc", "sensor.adc.deadband = 0.1", "sensor.adc.max-silence = 5m",
            "sensor.beat.type = sim-counter", "sensor.beat.topic = garage/beat", "sensor.beat.interval = 100ms",
            "output.pump.type = gpio-output", "output.pump.pin = 22");

    @TempDir
    Path dir;

    private AgentConfig config(String... extra) throws Exception {
        List<String> lines = new ArrayList<>(GARAGE);
        for (String line : extra) { // an extra line replaces the garage's line of the same key
            String key = line.substring(0, line.indexOf('=') + 1);
            lines.removeIf(l -> l.startsWith(key));
        }
        lines.addAll(Arrays.asList(extra));
        Path file = dir.resolve("mapping.properties");
        Files.write(file, lines);
        return MappingFile.load(file, List.of(Path.of("board-configs")));
    }

    private Discovery discovery(String... extra) throws Exception {
        return Discovery.of(config(extra), "0.1.0");
    }

    private static Map<String, Object> fields(Discovery d, String topic) {
        for (DiscoveryMessage m : d.configs()) {
            if (m.topic().toString().equals(topic)) {
                return Json.object(m.payloadText());
            }
        }
        throw new AssertionError(topic + " not announced; announced: " + d.topics());
    }

    @Test
    void aDoorIsABinarySensorWithEveryDocumentedField() throws Exception {
        Discovery d = discovery();
        DiscoveryMessage door = d.configs().stream()
                .filter(m -> m.topic().toString().equals("homeassistant/binary_sensor/garage-pi/door/config"))
                .findFirst().orElseThrow();
        assertEquals("{\"name\":\"door\",\"unique_id\":\"sensorpub_garage-pi_door\",\"state_topic\":\"garage/door\","
                + "\"device_class\":\"door\",\"payload_on\":\"ON\",\"payload_off\":\"OFF\",\"expire_after\":60,"
                + "\"qos\":1,\"availability_topic\":\"garage-pi/status\",\"payload_available\":\"online\","
                + "\"payload_not_available\":\"offline\",\"device\":{\"identifiers\":[\"sensorpub_garage-pi\"],"
                + "\"name\":\"garage-pi\",\"model\":\"simulator\",\"manufacturer\":\"sensorpub\","
                + "\"sw_version\":\"0.1.0\"}}", door.payloadText());
        assertTrue(door.retain());
        assertEquals(1, DiscoveryMessage.QOS);
    }

    @Test
    void everyQuantityOfABme280IsItsOwnSensorWithItsClassAndUnit() throws Exception {
        Discovery d = discovery();
        Map<String, Object> t = fields(d, "homeassistant/sensor/garage-pi/env_temperature/config");
        assertEquals("env temperature", t.get("name"));
        assertEquals("sensorpub_garage-pi_env_temperature", t.get("unique_id"));
        assertEquals("garage/env/temperature", t.get("state_topic"));
        assertEquals("{{ value_json.value }}", t.get("value_template"), "format = json");
        assertEquals("temperature", t.get("device_class"));
        assertEquals("°C", t.get("unit_of_measurement"));
        assertEquals("measurement", t.get("state_class"));
        assertEquals(90L, t.get("expire_after"), "3 x 30s");
        Map<String, Object> h = fields(d, "homeassistant/sensor/garage-pi/env_humidity/config");
        assertEquals("humidity", h.get("device_class"));
        assertEquals("%", h.get("unit_of_measurement"));
        Map<String, Object> p = fields(d, "homeassistant/sensor/garage-pi/env_pressure/config");
        assertEquals("pressure", p.get("device_class"));
        assertEquals("hPa", p.get("unit_of_measurement"));
        assertEquals("garage/env/pressure", p.get("state_topic"));
    }

    @Test
    void sensibleDefaultsPerSensorType() throws Exception {
        Discovery d = discovery();
        Map<String, Object> cpu = fields(d, "homeassistant/sensor/garage-pi/cpu/config");
        assertEquals("temperature", cpu.get("device_class"));
        assertEquals("°C", cpu.get("unit_of_measurement"));
        assertFalse(cpu.containsKey("value_template"), "plain payloads need no template");
        Map<String, Object> adc = fields(d, "homeassistant/sensor/garage-pi/adc/config");
        assertEquals("voltage", adc.get("device_class"));
        assertEquals("V", adc.get("unit_of_measurement"));
        assertEquals(900L, adc.get("expire_after"), "deadband: 3 x max-silence of 5m");
        Map<String, Object> beat = fields(d, "homeassistant/sensor/garage-pi/beat/config");
        assertFalse(beat.containsKey("device_class"));
        assertFalse(beat.containsKey("unit_of_measurement"));
        assertEquals("measurement", beat.get("state_class"));
        assertEquals(60L, beat.get("expire_after"), "3 x 100ms is raised to the 60 s floor");
        assertEquals(List.of("homeassistant/sensor/garage-pi/adc/config", "homeassistant/sensor/garage-pi/beat/config",
                "homeassistant/sensor/garage-pi/cpu/config", "homeassistant/binary_sensor/garage-pi/door/config",
                "homeassistant/sensor/garage-pi/env_temperature/config",
                "homeassistant/sensor/garage-pi/env_humidity/config",
                "homeassistant/sensor/garage-pi/env_pressure/config", "homeassistant/switch/garage-pi/pump/config"),
                new ArrayList<>(d.topics()));
    }

    @Test
    void digitalInputsGuessTheirClassFromTheirName() throws Exception {
        Discovery d = discovery("sensor.hall_pir.type = gpio-input", "sensor.hall_pir.pin = 4",
                "sensor.hall_pir.topic = h/pir", "sensor.button.type = sim-switch", "sensor.button.topic = h/b",
                "sensor.button.on-payload = pressed", "sensor.button.off-payload = released");
        assertEquals("motion", fields(d, "homeassistant/binary_sensor/garage-pi/hall_pir/config").get("device_class"));
        Map<String, Object> button = fields(d, "homeassistant/binary_sensor/garage-pi/button/config");
        assertFalse(button.containsKey("device_class"), "no hint in the name: a plain on/off");
        assertEquals("pressed", button.get("payload_on"));
        assertEquals("released", button.get("payload_off"));
        assertFalse(button.containsKey("state_class"));
        assertFalse(button.containsKey("unit_of_measurement"));
    }

    @Test
    void anOutputIsASwitchThatTakesCommandsAndReportsItsState() throws Exception {
        Map<String, Object> pump = fields(discovery("output.pump.on-payload = start", "output.pump.off-payload = stop",
                "output.pump.ha.device-class = outlet", "output.pump.qos = 2"),
                "homeassistant/switch/garage-pi/pump/config");
        assertEquals("pump", pump.get("name"));
        assertEquals("sensorpub_garage-pi_pump", pump.get("unique_id"));
        assertEquals("garage-pi/pump/set", pump.get("command_topic"));
        assertEquals("garage-pi/pump/state", pump.get("state_topic"));
        assertEquals("start", pump.get("payload_on"));
        assertEquals("stop", pump.get("payload_off"));
        assertEquals("outlet", pump.get("device_class"));
        assertEquals(Boolean.FALSE, pump.get("retain"), "retained commands would replay after reconnects");
        assertEquals(2L, pump.get("qos"));
        assertEquals("garage-pi/status", pump.get("availability_topic"));
        assertEquals("online", pump.get("payload_available"));
        assertEquals("offline", pump.get("payload_not_available"));
    }

    @Test
    void everyEntityCarriesTheSameDeviceAndAUniqueId() throws Exception {
        Discovery d = discovery("ha.device-name = Garage \"Pi\"", "ha.node-id = garage");
        Set<Object> uniqueIds = new HashSet<>();
        for (DiscoveryMessage m : d.configs()) {
            Map<String, Object> f = Json.object(m.payloadText());
            assertTrue(uniqueIds.add(f.get("unique_id")), "duplicate " + f.get("unique_id"));
            assertEquals(Map.of("identifiers", List.of("sensorpub_garage"), "name", "Garage \"Pi\"", "model", "simulator",
                    "manufacturer", "sensorpub", "sw_version", "0.1.0"), f.get("device"));
            assertTrue(m.topic().toString().startsWith("homeassistant/"), m.topic().toString());
            assertTrue(m.topic().toString().contains("/garage/"), m.topic().toString());
        }
        assertEquals(8, uniqueIds.size());
    }

    @Test
    void theMappingFileOverridesEachDefault() throws Exception {
        Discovery d = discovery("ha.prefix = ha", "sensor.beat.ha.name = Heartbeat", "sensor.beat.ha.device-class = duration",
                "sensor.beat.ha.unit = s", "sensor.beat.ha.expire-after = 0", "sensor.door.ha.component = sensor",
                "sensor.door.ha.device-class =", "sensor.cpu.ha.enabled = false", "sensor.adc.ha.unit =",
                "output.pump.ha.name = Pump");
        Map<String, Object> beat = fields(d, "ha/sensor/garage-pi/beat/config");
        assertEquals("Heartbeat", beat.get("name"));
        assertEquals("duration", beat.get("device_class"));
        assertEquals("s", beat.get("unit_of_measurement"));
        assertFalse(beat.containsKey("expire_after"), "0: never expires");
        Map<String, Object> door = fields(d, "ha/sensor/garage-pi/door/config");
        assertFalse(door.containsKey("device_class"), "empty: no class");
        assertFalse(door.containsKey("state_class"), "ON/OFF text is not a measurement");
        assertFalse(door.containsKey("payload_on"));
        assertFalse(d.topics().contains("ha/sensor/garage-pi/cpu/config"), "ha.enabled = false");
        Map<String, Object> adc = fields(d, "ha/sensor/garage-pi/adc/config");
        assertFalse(adc.containsKey("unit_of_measurement"));
        assertFalse(adc.containsKey("device_class"), "voltage needs a voltage unit");
        assertEquals("Pump", fields(d, "ha/switch/garage-pi/pump/config").get("name"));
    }

    @Test
    void stateClassIconAndEntityCategoryAreAnnouncedAsChecked() throws Exception {
        Discovery d = discovery("sensor.beat.ha.device-class = energy", "sensor.beat.ha.unit = kWh",
                "sensor.beat.ha.state-class = total_increasing", "sensor.beat.ha.icon = mdi:flash",
                "sensor.cpu.ha.entity-category = diagnostic", "output.pump.ha.icon = mdi:water-pump",
                "output.pump.ha.entity-category = config");
        Map<String, Object> beat = fields(d, "homeassistant/sensor/garage-pi/beat/config");
        assertEquals("energy", beat.get("device_class"));
        assertEquals("total_increasing", beat.get("state_class"));
        assertEquals("mdi:flash", beat.get("icon"));
        assertEquals("diagnostic", fields(d, "homeassistant/sensor/garage-pi/cpu/config").get("entity_category"));
        Map<String, Object> pump = fields(d, "homeassistant/switch/garage-pi/pump/config");
        assertEquals("mdi:water-pump", pump.get("icon"));
        assertEquals("config", pump.get("entity_category"));
    }

    @Test
    void aDeviceClassWithoutStateClassesGetsNone() throws Exception {
        Map<String, Object> beat = fields(discovery("sensor.beat.ha.device-class = wind_direction",
                "sensor.beat.ha.unit = °"), "homeassistant/sensor/garage-pi/beat/config");
        assertFalse(beat.containsKey("state_class"), "Home Assistant gives wind_direction no state class");
    }

    @Test
    void aDeadbandWithoutMaxSilenceNeverExpires() throws Exception {
        Map<String, Object> beat = fields(discovery("sensor.beat.deadband = 1"), "homeassistant/sensor/garage-pi/beat/config");
        assertFalse(beat.containsKey("expire_after"));
    }

    @Test
    void discoveryOffAnnouncesNothingAndClearsEverythingAnnouncedBefore() throws Exception {
        Discovery d = Discovery.of(config("ha.discovery = false"), null);
        assertEquals(List.of(), d.configs());
        List<DiscoveryMessage> clears = d.clearsFor(Set.of("homeassistant/sensor/garage-pi/beat/config"));
        assertEquals(1, clears.size());
        assertTrue(clears.get(0).isClear());
    }

    @Test
    void removedEntitiesAreClearedWithEmptyRetainedPayloads() throws Exception {
        Discovery d = discovery("sensor.door.ha.component = sensor");
        Set<String> before = new LinkedHashSet<>(d.topics());
        before.add("homeassistant/sensor/garage-pi/old/config");
        before.add("homeassistant/binary_sensor/garage-pi/door/config");
        List<DiscoveryMessage> clears = d.clearsFor(before);
        assertEquals(List.of("homeassistant/sensor/garage-pi/old/config",
                "homeassistant/binary_sensor/garage-pi/door/config"), clears.stream().map(m -> m.topic().toString()).toList(),
                "a removed sensor, and the door's old component");
        for (DiscoveryMessage m : clears) {
            assertEquals(0, m.payload().length);
            assertTrue(m.retain());
        }
        assertEquals(List.of(), d.clearsFor(d.topics()));
    }

    @Test
    void withoutSwVersionTheFieldIsLeftOut() throws Exception {
        Discovery d = Discovery.of(config(), null);
        @SuppressWarnings("unchecked")
        Map<String, Object> device = (Map<String, Object>) Json.object(d.configs().get(0).payloadText()).get("device");
        assertFalse(device.containsKey("sw_version"));
    }
}
