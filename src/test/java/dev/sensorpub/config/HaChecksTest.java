package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --check rejects what Home Assistant would reject, with the key, the line and the fix. */
class HaChecksTest {
    private static final List<String> BASE = List.of(
            "board = simulator",
            "mqtt.server = tcp://127.0.0.1:1883",
            "mqtt.client-id = pi",
            "ha.discovery = true",
            "sensor.meter.type = sim-counter",
            "sensor.meter.topic = pi/meter");

    @TempDir
    Path dir;

    private List<String> problems(String... extra) throws IOException {
        List<String> lines = new ArrayList<>(BASE);
        lines.addAll(Arrays.asList(extra));
        Path file = dir.resolve("mapping.properties");
        Files.write(file, lines);
        try {
            MappingFile.load(file, List.of());
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Test
    void aDeviceClassTypoGetsADidYouMean() throws IOException {
        assertEquals(List.of("line 7: sensor.meter.ha.device-class: 'temprature' is not a Home Assistant sensor "
                + "device class; did you mean 'temperature'?"), problems("sensor.meter.ha.device-class = temprature"));
    }

    @Test
    void aBinarySensorClassOnANumberIsRejected() throws IOException {
        assertEquals(List.of("line 7: sensor.meter.ha.device-class: 'door' is a binary_sensor device class, and this "
                + "is announced as a sensor (sim-counter publishes numbers); use a sensor class (listed at "
                + "https://www.home-assistant.io/integrations/sensor/#device-class)"),
                problems("sensor.meter.ha.device-class = door"));
    }

    @Test
    void aUnitThatDoesNotFitTheClassIsRejected() throws IOException {
        assertEquals(List.of("line 8: sensor.meter.ha.unit: unit 'V' does not fit device class temperature, which "
                + "takes K, °C, °F; set ha.unit to one of them or choose another ha.device-class"),
                problems("sensor.meter.ha.device-class = temperature", "sensor.meter.ha.unit = V"));
        assertEquals(List.of(), problems("sensor.meter.ha.device-class = temperature", "sensor.meter.ha.unit = °C"));
    }

    @Test
    void anEnergySensorMustSayWhichTotalItIs() throws IOException {
        List<String> energy = List.of("sensor.meter.ha.device-class = energy", "sensor.meter.ha.unit = kWh");
        assertEquals(List.of("line 7: sensor.meter.ha.device-class: device class energy needs a state class of total "
                + "or total_increasing for long-term statistics; set ha.state-class (total_increasing for a meter "
                + "that only counts up)"), problems(energy.toArray(new String[0])));
        List<String> measured = new ArrayList<>(energy);
        measured.add("sensor.meter.ha.state-class = measurement");
        assertEquals(List.of("line 9: sensor.meter.ha.state-class: device class energy takes total or "
                + "total_increasing, not measurement"), problems(measured.toArray(new String[0])));
        List<String> counted = new ArrayList<>(energy);
        counted.add("sensor.meter.ha.state-class = total_increasing");
        assertEquals(List.of(), problems(counted.toArray(new String[0])));
    }

    @Test
    void stateClassIconAndEntityCategoryAreChecked() throws IOException {
        assertEquals(List.of("line 7: sensor.meter.ha.state-class: 'totals' is not a state class; did you mean "
                + "'total'? use one of measurement, total, total_increasing"),
                problems("sensor.meter.ha.state-class = totals"));
        assertEquals(List.of("line 7: sensor.meter.ha.icon: 'counter' is not an icon; write prefix:name, e.g. "
                + "mdi:thermometer"), problems("sensor.meter.ha.icon = counter"));
        assertEquals(List.of("line 7: sensor.meter.ha.entity-category: a sensor cannot be config (it changes "
                + "nothing); use diagnostic"), problems("sensor.meter.ha.entity-category = config"));
        assertEquals(List.of("line 9: sensor.d.ha.state-class: a binary_sensor has no state class; remove it"),
                problems("sensor.d.type = sim-switch", "sensor.d.topic = pi/d", "sensor.d.ha.state-class = total"));
        assertEquals(List.of("line 9: output.fan.ha.device-class: 'door' is a binary_sensor device class, and this "
                + "is announced as a switch; use a switch class (outlet, switch)"),
                problems("output.fan.type = gpio-output", "output.fan.pin = 5", "output.fan.ha.device-class = door"));
        assertEquals(List.of(), problems("sensor.meter.ha.icon = mdi:counter", "sensor.meter.ha.entity-category = "
                + "diagnostic", "sensor.meter.ha.state-class = total_increasing"));
    }

    @Test
    void twoEntitiesOnOneDiscoveryTopicAreRejected() throws IOException {
        List<String> clash = List.of("sensor.env.type = bme280", "sensor.env.topic = pi/env",
                "sensor.env_temperature.type = sim-sine", "sensor.env_temperature.topic = pi/t");
        assertEquals(List.of("line 9: sensor.env_temperature.type: its Home Assistant entity "
                + "homeassistant/sensor/pi/env_temperature/config is already announced by sensor.env (temperature), "
                + "and would overwrite it; rename one, or set ha.enabled = false on one"),
                problems(clash.toArray(new String[0])));
        List<String> off = new ArrayList<>(clash);
        off.add("sensor.env_temperature.ha.enabled = false");
        assertEquals(List.of(), problems(off.toArray(new String[0])));
    }
}
