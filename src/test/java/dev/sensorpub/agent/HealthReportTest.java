package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.ha.Json;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.transport.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {
    private static final long NOON = 1_795_000_000_000L; // 2026-11-18T11:06:40Z

    private static HealthReport report(String... sensors) {
        return new HealthReport(Topic.name("garage-pi/health"), "1.2.3", sensors);
    }

    private static Map<String, Object> json(HealthReport r, Vitals v) {
        int length = r.write(v, NOON);
        String text = new String(r.buffer(), 0, length, StandardCharsets.US_ASCII);
        return Json.object(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    @Test
    void carriesLinkQueueSensorsAndMemory() {
        HealthReport r = report("door", "cpu", "env");
        Vitals v = StatusLineTest.healthy();
        v.uptimeMillis = 61_999;
        v.server = Endpoint.parse("tcp://10.0.0.5:1883");
        v.connects = 3;
        v.reconnects = 2;
        v.deadLinks = 1;
        v.fileQueue = true;
        v.queuedMessages = 5;
        v.queuedBytes = 480;
        v.storageErrors = 1;
        v.failingInARow[1] = 4;
        v.failedReads[1] = 9;
        v.lastFailure[1] = "cannot open /sys/class/thermal/thermal_zone0/temp: \"No such file\" \\ \u00b0C";
        v.failingSensors = 1;
        v.sensorErrors = 9;
        v.heapUsedBytes = 9L << 20;

        Map<String, Object> j = json(r, v);
        assertEquals("2026-11-18T11:06:40.000Z", j.get("ts"));
        assertEquals(61L, j.get("uptime_s"));
        assertEquals("1.2.3", j.get("version"));
        Map<String, Object> link = part(j, "link");
        assertEquals(true, link.get("up"));
        assertEquals("10.0.0.5:1883", link.get("server"));
        assertEquals(2L, link.get("reconnects"));
        assertEquals(1L, link.get("dead_links"));
        assertEquals(2L, link.get("in_flight"));
        Map<String, Object> queue = part(j, "queue");
        assertEquals("file", queue.get("type"));
        assertEquals(5L, queue.get("messages"));
        assertEquals(480L, queue.get("bytes"));
        assertEquals(612L, queue.get("confirmed"));
        assertEquals(1L, queue.get("storage_errors"));
        assertEquals(true, queue.get("fallback_to_memory"));
        Map<String, Object> sensors = part(j, "sensors");
        assertEquals(3L, sensors.get("count"));
        assertEquals(1L, sensors.get("failing"));
        assertEquals(9L, sensors.get("read_errors"));
        assertEquals(List.of(Map.of("name", "cpu", "in_a_row", 4L, "failed_reads", 9L,
                        "reason", "cannot open /sys/class/thermal/thermal_zone0/temp: \"No such file\" \\ ?C")),
                sensors.get("failing_list"));
        assertEquals(9L, j.get("heap_mib"));
    }

    @Test
    void theLargestPossibleReportFitsItsBufferAndStaysValidJson() {
        String longName = "n".repeat(500);
        String[] names = new String[20];
        Arrays.fill(names, longName + "\"\\");
        HealthReport r = report(names);
        Vitals v = new Vitals(names);
        Arrays.fill(v.failingInARow, Long.MIN_VALUE);
        Arrays.fill(v.failedReads, Long.MIN_VALUE);
        Arrays.fill(v.lastFailure, "\"\\".repeat(1_000));
        v.failingSensors = Integer.MIN_VALUE;
        v.server = Endpoint.parse("tcp://" + "h".repeat(250) + ":1883");
        for (java.lang.reflect.Field f : Vitals.class.getDeclaredFields()) {
            if (f.getType() == long.class) {
                try {
                    f.setLong(v, Long.MIN_VALUE);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        Map<String, Object> j = json(r, v);
        List<?> listed = (List<?>) part(j, "sensors").get("failing_list");
        assertEquals(HealthReport.MAX_LISTED, listed.size());
        assertTrue(HealthReport.maxMessageBytes("garage-pi/health", names) < 64 * 1024);
    }

    @Test
    void longSensorNamesThatDifferOnlyAtTheEndStayApart() {
        String shelf = "greenhouse_north_bench_" + "x".repeat(39) + "_shelf_";
        String[] names = {shelf + "1", shelf + "2"};
        assertEquals(70, names[0].length());
        HealthReport r = report(names);
        Vitals v = new Vitals(names);
        Arrays.fill(v.failingInARow, 1);
        Arrays.fill(v.lastFailure, "i2c-1 0x76: NACK");
        List<?> listed = (List<?>) part(json(r, v), "sensors").get("failing_list");
        assertEquals(List.of(names[0], names[1]), listed.stream().map(e -> ((Map<?, ?>) e).get("name")).toList());
    }

    @Test
    void publishingPutsARetainedMessageOnTheHealthTopicIntoTheControlLaneWithoutAllocating() throws Exception {
        ControlLane lane = new ControlLane(4, HealthReport.maxMessageBytes("garage-pi/health", new String[] {"door", "cpu", "env"}));
        HealthReport r = report("door", "cpu", "env");
        Vitals v = StatusLineTest.healthy();
        v.server = Endpoint.parse("tcp://10.0.0.5:1883");
        v.failingInARow[2] = 1;
        v.lastFailure[2] = "EIO reading /sys/bus/iio/devices/iio:device0/in_temp_input";
        v.failingSensors = 1;

        assertTrue(r.publish(v, NOON, lane));
        assertTrue(r.publish(v, NOON + 1, lane));
        assertEquals(1, lane.size(), "a newer report replaces one not yet sent");
        int slot = lane.nextPending();
        assertTrue(lane.retain(slot));
        assertEquals("garage-pi/health", new String(lane.topic(slot), 0, lane.topicLength(slot),
                StandardCharsets.UTF_8));
        lane.sent(slot);
        lane.confirmed(slot, lane.version(slot));
        assertTrue(lane.isEmpty());

        long[] counter = {0};
        long bytes = AllocationMeter.steadyStateBytes(2_000, () -> {
            v.confirmed = counter[0]++;
            v.heapUsedBytes = counter[0] << 20;
            r.publish(v, NOON + counter[0], lane);
            int s = lane.nextPending();
            lane.sent(s);
            lane.confirmed(s, lane.version(s));
        });
        assertEquals(0, bytes, "bytes allocated by 2,000 health messages");
    }
}
