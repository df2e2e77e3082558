package dev.sensorpub.sensor.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.HaOverrides;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.output.Outputs;
import dev.sensorpub.testing.InboundPublish;
import dev.sensorpub.testutil.Allocations;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPIO outputs through Pi4J's mock digital output provider, on the simulator board. */
class Pi4jDigitalOutputTest {
    private Pi4jHardware hardware;

    @BeforeEach
    void start() throws Exception {
        hardware = Pi4jHardware.start(BoardConfig.load(Path.of("board-configs/simulator.properties")));
    }

    @AfterEach
    void stop() {
        hardware.close();
    }

    private static MockDigitalOutput mock(Pi4jDigitalOutput out) {
        return (MockDigitalOutput) out.output();
    }

    @Test
    void theLineStartsAtItsInitialLevelAndFollowsWrites() {
        Pi4jDigitalOutput out = hardware.gpioOutput(22, true, null);
        assertEquals("GPIO 22", out.describe());
        assertEquals(DigitalState.HIGH, mock(out).state(), "created high: no flicker through low");
        out.write(false);
        assertEquals(DigitalState.LOW, mock(out).state());
        out.write(true);
        assertEquals(DigitalState.HIGH, mock(out).state());
    }

    @Test
    void anInvertedRelayIsDrivenByCommandsAndFallsSafeWhenTheLinkStaysDown() {
        OutputConfig relay = new OutputConfig("relay", 23, true, false, "pi/relay/set", "pi/relay/state", "ON", "OFF",
                0, OutputConfig.SafeState.OFF, 5_000, 1, HaOverrides.defaults());
        Pi4jDigitalOutput[] opened = new Pi4jDigitalOutput[1];
        try (Outputs outputs = Outputs.open(List.of(relay), (pin, initialHigh, shutdownHigh) ->
                opened[0] = hardware.gpioOutput(pin, initialHigh, shutdownHigh), 0)) {
            MockDigitalOutput pin = mock(opened[0]);
            assertEquals(DigitalState.HIGH, pin.state(), "inverted, off: high");
            outputs.tick(0, true);
            outputs.onMessage(InboundPublish.of("pi/relay/set", "ON"), 10);
            assertEquals(DigitalState.LOW, pin.state(), "inverted, on: low");
            outputs.tick(1_000, false);
            outputs.tick(5_999, false);
            assertEquals(DigitalState.LOW, pin.state());
            outputs.tick(6_000, false);
            assertEquals(DigitalState.HIGH, pin.state(), "safe state off after 5 s without the broker");
        }
    }

    @Test
    void aContextShutdownLeavesTheLineAtItsSafeLevel() throws Exception {
        Pi4jDigitalOutput out = hardware.gpioOutput(24, true, false);
        MockDigitalOutput pin = mock(out);
        hardware.close();
        assertEquals(DigitalState.LOW, pin.state());
        hardware = Pi4jHardware.start(BoardConfig.load(Path.of("board-configs/simulator.properties")));
    }

    /**
     * The real gpiod provider cannot run off a Pi. Through the mock: writing the level the line
     * already has allocates nothing; a change allocates at most Pi4J's own DigitalStateChangeEvent
     * (72 bytes measured on JDK 17; 0 when the JIT scalar-replaces it), once per relay switch.
     */
    @Test
    void writesThroughTheMockProviderAllocateOnlyPi4jsChangeEvent() {
        Pi4jDigitalOutput out = hardware.gpioOutput(25, false, null);
        assertEquals(0, Allocations.measure(10_000, () -> out.write(false)));
        boolean[] level = {false};
        long perChange = Allocations.measure(10_000, () -> out.write(level[0] = !level[0])) / 10_000;
        assertTrue(perChange <= 96, perChange + " bytes per change");
        assertEquals(DigitalState.LOW, mock(out).state(), "an even number of toggles ends low");
    }
}
