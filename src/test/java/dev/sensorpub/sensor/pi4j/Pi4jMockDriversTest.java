package dev.sensorpub.sensor.pi4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.config.HaOverrides;
import dev.sensorpub.config.OutputConfig;
import dev.sensorpub.output.Outputs;
import dev.sensorpub.sensor.EventHandoff;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.SensorReadException;
import dev.sensorpub.sensor.chip.Bme280;
import dev.sensorpub.sensor.chip.Mcp3008;
import dev.sensorpub.sensor.chip.RegisterDevice;
import dev.sensorpub.sensor.chip.SpiDevice;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.InboundPublish;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drivers and GPIO outputs against Pi4J's own mock providers, through the simulator board's context. */
class Pi4jMockDriversTest {
    private Pi4jHardware hardware;

    @BeforeEach
    void start() throws Exception {
        hardware = Pi4jHardware.start(BoardConfig.load(Path.of("board-configs/simulator.properties")));
    }

    @AfterEach
    void stop() {
        hardware.close();
    }

    private static Reading reading(int n) {
        Reading r = new Reading(n);
        r.begin(0, 0);
        return r;
    }

    @Test
    void describesItsProvidersInOneLine() {
        String line = hardware.describe();
        assertEquals("pi4j simulator: mock on mock, i2c mock, spi mock", line);
    }

    @Test
    void bme280ThroughMockI2cRegisterFifos() throws Exception {
        RegisterDevice device = hardware.i2c(1, 0x76);
        assertEquals("i2c-1 0x76", device.describe());
        MockI2C mock = (MockI2C) ((Pi4jRegisterDevice) device).open();
        mock.writeRegister(0xD0, (byte) 0x60);
        byte[] tp = dev.sensorpub.sensor.chip.Bme280CompensationTestData.calibrationTp();
        mock.writeRegister(0x88, tp, 0, tp.length);
        byte[] h = dev.sensorpub.sensor.chip.Bme280CompensationTestData.calibrationH();
        mock.writeRegister(0xE1, h, 0, h.length);
        // adc_P 415148 = 0x655AC, adc_T 519888 = 0x7EED0 (the datasheet example), adc_H 0x6D60.
        byte[] data = {0x65, 0x5A, (byte) 0xC0, 0x7E, (byte) 0xED, 0x00, 0x6D, 0x60};
        mock.writeRegister(0xF7, data, 0, data.length);

        Bme280 bme = new Bme280(device);
        Reading r = reading(3);
        bme.read(r);
        assertEquals(25.08, r.value(0));
        assertEquals(1006.53, r.value(2), 0.01);
        assertTrue(r.value(1) > 0 && r.value(1) < 100, "humidity " + r.value(1));
        // What the driver wrote sits in the register FIFOs; Pi4J hands bytes back signed.
        assertEquals(0xB6, mock.readRegister(0xE0) & 0xFF);
        assertEquals(0x01, mock.readRegister(0xF2) & 0xFF);
        assertEquals(0x00, mock.readRegister(0xF5) & 0xFF);
        assertEquals(0x27, mock.readRegister(0xF4) & 0xFF);
    }

    @Test
    void anEmptyMockRegisterIsAReadFailureNamingBusAndAddress() {
        RegisterDevice device = hardware.i2c(1, 0x77);
        SensorReadException e = assertThrows(SensorReadException.class, () -> new Bme280(device).read(reading(3)));
        assertTrue(e.getMessage().startsWith("i2c-1 0x77: "), e.getMessage());
    }

    @Test
    void mcp3008ThroughMockSpi() throws Exception {
        SpiDevice device = hardware.spi(0, 1);
        assertEquals("spi0.1", device.describe());
        MockSpi mock = (MockSpi) ((Pi4jSpiDevice) device).open();
        Mcp3008 raw = new Mcp3008(device, 5, false, 3.3, null);
        mock.write(new byte[] {0x00, (byte) 0xFE, (byte) 0x9A}, 0, 3); // only the low 2 bits of byte 1 count
        Reading r = reading(1);
        raw.read(r);
        assertEquals(666.0, r.value(0));
        assertArrayEquals(new byte[] {0x01, (byte) 0xD0, 0x00}, mock.readEntireMockBuffer(),
                "start bit, single-ended channel 5, padding");

        Mcp3008 volts = new Mcp3008(device, 0, true, 3.3, null);
        mock.write(new byte[] {0x00, 0x03, (byte) 0xFF}, 0, 3);
        volts.read(r);
        assertEquals(1023 * 3.3 / 1024, r.value(0), 1e-12);
        assertEquals("V", volts.quantities().get(0).unit());
        mock.readEntireMockBuffer();
    }

    @Test
    void gpioEdgesAreHandedToTheLoopAndReadsGiveTheLevel() throws Exception {
        GpioInput door = hardware.gpioInput(17, "up", false, 10);
        GpioInput inverted = hardware.gpioInput(27, "off", true, 0);
        EventHandoff handoff = new EventHandoff(8);
        door.attach(handoff, 3);
        inverted.attach(handoff, 4);
        MockDigitalInput doorPin = (MockDigitalInput) door.input();
        MockDigitalInput invertedPin = (MockDigitalInput) inverted.input();

        doorPin.mockState(DigitalState.HIGH);
        doorPin.mockState(DigitalState.LOW);
        invertedPin.mockState(DigitalState.HIGH);
        List<String> events = new ArrayList<>();
        handoff.drain((s, v, t) -> events.add(s + "=" + v));
        assertEquals(List.of("3=1.0", "3=0.0", "4=0.0"), events);

        Reading r = reading(1);
        door.read(r);
        assertEquals(0.0, r.value(0));
        inverted.read(r);
        assertEquals(0.0, r.value(0), "high, inverted");
        assertTrue(door.quantities().get(0).digital());
        door.close();
        doorPin.mockState(DigitalState.HIGH);
        assertEquals(0, handoff.size(), "no events after close");
    }

    @Test
    void aPinCanOnlyBeAttachedOnce() {
        GpioInput door = hardware.gpioInput(5, "down", false, 10);
        door.attach(new EventHandoff(1), 0);
        assertThrows(IllegalStateException.class, () -> door.attach(new EventHandoff(1), 0));
    }

    // ---- GPIO outputs through the mock digital output provider ----

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
        assertEquals(0, AllocationMeter.steadyStateBytes(10_000, () -> out.write(false)));
        boolean[] level = {false};
        long perChange = AllocationMeter.steadyStateBytes(10_000, () -> out.write(level[0] = !level[0])) / 10_000;
        assertTrue(perChange <= 96, perChange + " bytes per change");
        assertEquals(DigitalState.LOW, mock(out).state(), "an even number of toggles ends low");
    }
}
