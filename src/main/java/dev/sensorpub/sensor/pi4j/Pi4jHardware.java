package dev.sensorpub.sensor.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import com.pi4j.provider.Provider;
import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.sensor.chip.RegisterDevice;
import dev.sensorpub.sensor.chip.SpiDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The process's one Pi4J context, built from the board's provider choice and nothing else
 * (no auto-detection, so a board file decides exactly what touches hardware). The only
 * class that builds Pi4J IO; drivers receive the project's small device interfaces.
 */
public final class Pi4jHardware implements AutoCloseable {
    private final Context context;
    private final BoardConfig board;
    private final String digitalInputProvider;
    private final String i2cProvider;
    private final String spiProvider;
    private final String digitalOutputProvider;
    private int ioCount;

    private Pi4jHardware(Context context, BoardConfig board, String digital, String i2c, String spi,
                         String digitalOutput) {
        this.context = context;
        this.board = board;
        this.digitalInputProvider = digital;
        this.i2cProvider = i2c;
        this.spiProvider = spi;
        this.digitalOutputProvider = digitalOutput;
    }

    public static Pi4jHardware start(BoardConfig board) {
        boolean mockDigital = BoardConfig.MOCK.equals(board.digitalInputProvider());
        boolean mockI2c = BoardConfig.MOCK.equals(board.i2cProvider());
        boolean mockSpi = BoardConfig.MOCK.equals(board.spiProvider());
        boolean mockOutput = BoardConfig.MOCK.equals(board.digitalOutputProvider());
        List<Provider> providers = new ArrayList<>();
        providers.add(mockDigital ? MockDigitalInputProvider.newInstance() : GpioDDigitalInputProvider.newInstance());
        providers.add(mockI2c ? MockI2CProvider.newInstance() : LinuxFsI2CProvider.newInstance());
        providers.add(mockSpi ? MockSpiProvider.newInstance() : LinuxFsSpiProvider.newInstance());
        providers.add(mockOutput ? MockDigitalOutputProvider.newInstance() : GpioDDigitalOutputProvider.newInstance());
        // No Pi4J shutdown hook: on SIGTERM the agent's loop closes the sensors, then this context
        // (which sets each output to its shutdown level), in that order; a second hook would shut
        // I/O down under sensors still being read.
        ContextBuilder builder = Pi4J.newContextBuilder().noAutoDetect().noAutoInject().disableShutdownHook();
        builder.add(providers.toArray(new Provider[0]));
        Context context = builder.build();
        return new Pi4jHardware(context, board,
                mockDigital ? MockDigitalInputProvider.ID : GpioDDigitalInputProvider.ID,
                mockI2c ? MockI2CProvider.ID : LinuxFsI2CProvider.ID,
                mockSpi ? MockSpiProvider.ID : LinuxFsSpiProvider.ID,
                mockOutput ? MockDigitalOutputProvider.ID : GpioDDigitalOutputProvider.ID);
    }

    /** One line for the boot log. */
    public String describe() {
        return "pi4j " + board.name() + ": digital-input=" + digitalInputProvider + " i2c=" + i2cProvider + " spi="
                + spiProvider + " digital-output=" + digitalOutputProvider + " (header on " + board.gpioChip() + ", " + context.providers().all().size()
                + " providers loaded)";
    }

    /** For tests: the context whose registry holds the mock IO. */
    public Context context() {
        return context;
    }

    public RegisterDevice i2c(int bus, int address) {
        String id = nextId("i2c");
        return new Pi4jRegisterDevice(() -> context.create(I2C.newConfigBuilder(context).id(id).bus(bus)
                .device(address).provider(i2cProvider).build()), "i2c-" + bus + " 0x" + Integer.toHexString(address));
    }

    public SpiDevice spi(int bus, int chipSelect) {
        // MCP3008 at 3.3 V is specified up to 1.35 MHz; 1 MHz leaves margin on long wires.
        String id = nextId("spi");
        return new Pi4jSpiDevice(() -> context.create(Spi.newConfigBuilder(context).id(id).bus(bus)
                .channel(chipSelect).mode(SpiMode.MODE_0).baud(1_000_000).provider(spiProvider).build()),
                "spi" + bus + "." + chipSelect);
    }

    /** @param pull "up", "down" or "off" */
    public GpioInput gpioInput(int bcmPin, String pull, boolean inverted, long debounceMillis) {
        PullResistance resistance = "up".equals(pull) ? PullResistance.PULL_UP
                : "down".equals(pull) ? PullResistance.PULL_DOWN : PullResistance.OFF;
        DigitalInput input = context.create(DigitalInput.newConfigBuilder(context).id(nextId("gpio" + bcmPin))
                .address(bcmPin).pull(resistance).debounce(debounceMillis, TimeUnit.MILLISECONDS)
                .provider(digitalInputProvider).build());
        return new GpioInput(input, bcmPin, inverted);
    }

    /**
     * A GPIO output created already at {@code initialHigh}, so a relay never flickers through the
     * other level at start. Pi4J drives {@code shutdownHigh} when the context shuts down (null: leaves
     * the line as it is).
     */
    public Pi4jDigitalOutput gpioOutput(int bcmPin, boolean initialHigh, Boolean shutdownHigh) {
        var config = DigitalOutput.newConfigBuilder(context).id(nextId("out" + bcmPin)).address(bcmPin)
                .initial(initialHigh ? DigitalState.HIGH : DigitalState.LOW).provider(digitalOutputProvider);
        if (shutdownHigh != null) {
            config.shutdown(shutdownHigh ? DigitalState.HIGH : DigitalState.LOW);
        }
        return new Pi4jDigitalOutput(context.create(config.build()), bcmPin);
    }

    private String nextId(String kind) {
        return "sensorpub-" + kind + "-" + (ioCount++);
    }

    /** Shuts the context down, releasing GPIO lines and bus handles. */
    @Override
    public void close() {
        context.shutdown();
    }
}
