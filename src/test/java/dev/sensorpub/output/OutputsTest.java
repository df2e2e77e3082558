package dev.sensorpub.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.config.HaOverrides;
import dev.sensorpub.config.OutputConfig.SafeState;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.InboundPublish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputsTest {
    private final List<FakeLine> lines = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    private static OutputConfig output(String name, int pin, boolean inverted, SafeState safe) {
        return new OutputConfig(name, pin, inverted, false, "pi/" + name + "/set", "pi/" + name + "/state", "ON", "OFF",
                0, safe, 1_000, 1, HaOverrides.defaults());
    }

    private Outputs open(OutputConfig... configs) {
        return Outputs.open(List.of(configs), (pin, initialHigh, shutdownHigh) -> {
            FakeLine line = new FakeLine(pin, initialHigh);
            line.shutdownHigh = shutdownHigh;
            lines.add(line);
            return line;
        }, 0);
    }

    private void record(Topic topic, byte[] payload, int qos) {
        published.add(topic + " " + new String(payload, StandardCharsets.UTF_8) + " q" + qos);
    }

    @Test
    void linesOpenAtTheirInitialLevelWithTheSafeLevelForShutdown() {
        open(output("a", 4, false, SafeState.OFF), output("b", 5, true, SafeState.OFF),
                output("c", 6, false, SafeState.ON), output("d", 7, false, SafeState.KEEP));
        assertFalse(lines.get(0).high);
        assertTrue(lines.get(1).high, "inverted off is high");
        assertEquals(List.of(false, true, true), List.of(lines.get(0).shutdownHigh, lines.get(1).shutdownHigh,
                lines.get(2).shutdownHigh));
        assertEquals(null, lines.get(3).shutdownHigh, "keep: the hardware layer leaves the line alone");
    }

    @Test
    void commandsAreRoutedByTopicAndEveryChangeIsPublishedOnce() {
        Outputs outputs = open(output("a", 4, false, SafeState.OFF), output("b", 5, false, SafeState.OFF));
        outputs.publishChanges(this::record);
        assertEquals(List.of("pi/a/state OFF q1", "pi/b/state OFF q1"), published, "initial states");
        published.clear();
        assertTrue(outputs.onMessage(InboundPublish.of("pi/b/set", "ON"), 5));
        assertFalse(outputs.onMessage(InboundPublish.of("pi/c/set", "ON"), 5));
        assertEquals(1, outputs.publishChanges(this::record));
        assertEquals(0, outputs.publishChanges(this::record));
        assertEquals(List.of("pi/b/state ON q1"), published);
        assertTrue(lines.get(1).high);
        assertFalse(lines.get(0).high);
    }

    @Test
    void theEarliestDeadlineAndTheSafeStateOfEveryOutput() {
        Outputs outputs = open(output("a", 4, false, SafeState.OFF), output("b", 5, false, SafeState.KEEP));
        outputs.tick(0, true);
        outputs.onMessage(InboundPublish.of("pi/a/set", "ON"), 0);
        outputs.onMessage(InboundPublish.of("pi/b/set", "ON"), 0);
        assertEquals(Long.MAX_VALUE, outputs.nextDeadlineMillis());
        outputs.tick(100, false);
        assertEquals(1_100, outputs.nextDeadlineMillis());
        outputs.tick(1_100, false);
        assertFalse(lines.get(0).high);
        assertTrue(lines.get(1).high, "keep");
        outputs.shutdown(2_000);
        outputs.close();
        assertTrue(lines.get(0).closed && lines.get(1).closed);
    }

    @Test
    void aLineThatCannotBeOpenedClosesTheOnesBeforeItAndNamesTheOutput() {
        List<FakeLine> opened = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Outputs.open(
                List.of(output("a", 4, false, SafeState.OFF), output("b", 5, false, SafeState.OFF)),
                (pin, initialHigh, shutdownHigh) -> {
                    if (pin == 5) {
                        throw new IllegalArgumentException("line 5 is busy");
                    }
                    FakeLine line = new FakeLine(pin, initialHigh);
                    opened.add(line);
                    return line;
                }, 0));
        assertEquals("output b: cannot open GPIO 5 (line 5 is busy)", e.getMessage());
        assertTrue(opened.get(0).closed);
    }

    private static final class CountingPublisher implements StatePublisher {
        long count;

        @Override
        public void publishRetained(Topic topic, byte[] payload, int qos) {
            count += payload.length;
        }
    }

    @Test
    void theLoopsCallsAllocateNothing() {
        Outputs outputs = open(output("a", 4, false, SafeState.OFF), output("b", 5, true, SafeState.ON));
        lines.forEach(FakeLine::stopRecording);
        IncomingPacket on = InboundPublish.of("pi/b/set", "ON");
        IncomingPacket off = InboundPublish.of("pi/b/set", "OFF");
        CountingPublisher publisher = new CountingPublisher();
        long[] now = {0};
        long bytes = AllocationMeter.steadyStateBytes(20_000, () -> {
            long t = now[0] += 7;
            outputs.onMessage(on, t);
            outputs.tick(t, (t & 512) == 0); // outages of 512 ms: shorter than safe-after, no log line
            outputs.publishChanges(publisher);
            outputs.onMessage(off, t);
            outputs.publishChanges(publisher);
            outputs.nextDeadlineMillis();
        });
        assertEquals(0, bytes);
        assertTrue(publisher.count > 80_000, "states were published: " + publisher.count);
    }
}
