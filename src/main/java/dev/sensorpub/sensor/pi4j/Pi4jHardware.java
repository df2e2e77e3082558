package dev.sensorpub.sensor.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpi;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProviderImpl;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import com.pi4j.provider.Provider;
import dev.sensorpub.config.BoardConfig;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.sensor.DeviceNodes;
import dev.sensorpub.sensor.HardwareException;
import dev.sensorpub.sensor.chip.RegisterDevice;
import dev.sensorpub.sensor.chip.SpiDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The process's one Pi4J context, built from the board's provider choice and nothing else
 * (no auto-detection, so a board file decides exactly what touches hardware). The only
 * class that builds Pi4J IO; drivers receive the project's small device interfaces.
 *
 * <p>When Pi4J cannot open something, its own reason is usually a wrapper ("No gpio chip yet
 * initialized!", "Failed to execute action ...") and its log is off. The failure is explained
 * instead from what can be checked: the board model Pi4J recognises, the device node
 * ({@link DeviceNodes}: missing overlay, missing group) and the errno under the wrappers.
 *
 * <p>Pi4J keeps one registry of addresses for all IO kinds, in which SPI chip select 1 and
 * GPIO 1 collide, and so would two sensors on one chip select. SPI handles are therefore made
 * outside that registry, one per (bus, chip select), shared by every sensor on that chip and
 * closed here.
 */
public final class Pi4jHardware implements AutoCloseable {
    private static final Logger LOG = Log.logger("sensor");
    private final Context context;
    private final BoardConfig board;
    private final String digitalInputProvider;
    private final String i2cProvider;
    private final String spiProvider;
    private final String digitalOutputProvider;
    private final DeviceNodes nodes;
    private final Map<String, SharedSpi> spiHandles = new LinkedHashMap<>();
    private int ioCount;

    private Pi4jHardware(Context context, BoardConfig board, DeviceNodes nodes, String digital, String i2c, String spi,
                         String digitalOutput) {
        this.context = context;
        this.board = board;
        this.nodes = nodes;
        this.digitalInputProvider = digital;
        this.i2cProvider = i2c;
        this.spiProvider = spi;
        this.digitalOutputProvider = digitalOutput;
    }

    public static Pi4jHardware start(BoardConfig board) {
        return start(board, DeviceNodes.system());
    }

    /** @param nodes where failures are explained from (a fake /dev in tests) */
    public static Pi4jHardware start(BoardConfig board, DeviceNodes nodes) {
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
        Context context;
        try {
            context = builder.build();
        } catch (RuntimeException | LinkageError e) {
            String reason = mockDigital ? null : gpioReason(board, nodes, e);
            throw new HardwareException("cannot start Pi4J: " + (reason != null ? reason : IoErrors.innermostMessage(e)), e);
        }
        NativeLibraryFiles.deleteLoaded();
        if (!mockDigital) {
            String mismatch = gpioChipMismatch(board, nodes);
            if (mismatch != null) {
                LOG.warn(mismatch);
            }
        }
        return new Pi4jHardware(context, board, nodes,
                mockDigital ? MockDigitalInputProvider.ID : GpioDDigitalInputProvider.ID,
                mockI2c ? MockI2CProvider.ID : LinuxFsI2CProvider.ID,
                mockSpi ? MockSpiProvider.ID : LinuxFsSpiProvider.ID,
                mockOutput ? MockDigitalOutputProvider.ID : GpioDDigitalOutputProvider.ID);
    }

    /** One line for the boot log. */
    public String describe() {
        return describe(board.name(), board.gpioChip(), digitalInputProvider, digitalOutputProvider, i2cProvider,
                spiProvider);
    }

    /**
     * {@code "pi4j raspberry-pi-4b: gpiod on gpiochip0, i2c linuxfs, spi linuxfs"}: the providers
     * in use by their Pi4J ids without what the place already says ("gpiod-digital-input").
     */
    static String describe(String board, String gpioChip, String input, String output, String i2c, String spi) {
        String in = family(input, "-digital-input");
        String out = family(output, "-digital-output");
        return "pi4j " + board + ": " + (in.equals(out) ? in : "in " + in + " out " + out) + " on " + gpioChip
                + ", i2c " + family(i2c, "-i2c") + ", spi " + family(spi, "-spi");
    }

    private static String family(String providerId, String kind) {
        return providerId.endsWith(kind) ? providerId.substring(0, providerId.length() - kind.length()) : providerId;
    }

    /** For tests: the context whose registry holds the mock IO. */
    public Context context() {
        return context;
    }

    public RegisterDevice i2c(int bus, int address) {
        String id = nextId("i2c");
        return new Pi4jRegisterDevice(() -> context.create(I2C.newConfigBuilder(context).id(id).bus(bus)
                .device(address).provider(i2cProvider).build()), "i2c-" + bus + " 0x" + Integer.toHexString(address),
                mock(i2cProvider) ? () -> null : () -> nodes.i2cProblem(bus));
    }

    /** The device on {@code bus}, {@code chipSelect}; every call for the same pair shares one handle. */
    public SpiDevice spi(int bus, int chipSelect) {
        String name = "spi" + bus + "." + chipSelect;
        SharedSpi handle = spiHandles.computeIfAbsent(name, n -> new SharedSpi(() -> openSpi(bus, chipSelect)));
        return new Pi4jSpiDevice(handle, name, mock(spiProvider) ? () -> null : () -> nodes.spiProblem(bus, chipSelect));
    }

    /** Made directly, not through context.create, so Pi4J's address registry never sees it (see above). */
    private Spi openSpi(int bus, int chipSelect) {
        // MCP3008 at 3.3 V is specified up to 1.35 MHz; 1 MHz leaves margin on long wires.
        SpiConfig config = Spi.newConfigBuilder(context).id(nextId("spi")).bus(bus).channel(chipSelect)
                .mode(SpiMode.MODE_0).baud(1_000_000).provider(spiProvider).build();
        if (mock(spiProvider)) {
            return new MockSpi(context.provider(spiProvider, MockSpiProvider.class), config);
        }
        LinuxFsSpi spi = new LinuxFsSpi((LinuxFsSpiProviderImpl) context.provider(spiProvider, LinuxFsSpiProvider.class),
                config);
        spi.open();
        return spi;
    }

    private static boolean mock(String providerId) {
        return providerId.startsWith(BoardConfig.MOCK + "-");
    }

    /** @param pull "up", "down" or "off" */
    public GpioInput gpioInput(int bcmPin, String pull, boolean inverted, long debounceMillis) {
        PullResistance resistance = "up".equals(pull) ? PullResistance.PULL_UP
                : "down".equals(pull) ? PullResistance.PULL_DOWN : PullResistance.OFF;
        DigitalInput input;
        try {
            input = context.create(DigitalInput.newConfigBuilder(context).id(nextId("gpio" + bcmPin))
                    .address(bcmPin).pull(resistance).debounce(debounceMillis, TimeUnit.MILLISECONDS)
                    .provider(digitalInputProvider).build());
        } catch (RuntimeException e) {
            throw gpioFailure(bcmPin, digitalInputProvider, e);
        }
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
        try {
            return new Pi4jDigitalOutput(context.create(config.build()), bcmPin);
        } catch (RuntimeException e) {
            throw gpioFailure(bcmPin, digitalOutputProvider, e);
        }
    }

    private HardwareException gpioFailure(int pin, String provider, RuntimeException e) {
        String reason = mock(provider) ? null : gpioReason(board, nodes, e);
        return new HardwareException("GPIO " + pin + ": " + (reason != null ? reason : IoErrors.innermostMessage(e)), e);
    }

    /**
     * Why gpiod could not open a line, in the order Pi4J fails: it opens no chip at all on a board
     * model it does not know, then the chip's node must exist and be ours to open, then the line
     * must be free. Null when none of these explains it.
     */
    static String gpioReason(BoardConfig board, DeviceNodes nodes, Throwable e) {
        String model = boardProblem(nodes);
        if (model != null) {
            return model;
        }
        String node = nodes.gpioProblem(board.gpioChip());
        if (node != null) {
            return node;
        }
        if ("EBUSY".equals(IoErrors.errno(e))) {
            return "line busy (EBUSY): another program or an overlay holds it; gpioinfo shows which";
        }
        return null;
    }

    /**
     * Pi4J 2.8.0's gpiod provider opens the chip labelled "pinctrl..." at start and cannot be
     * told another; the board file's gpio.chip states which chip that is. When the chip open
     * in this process is another one, the board file is wrong: said, not silently ignored.
     */
    static String gpioChipMismatch(BoardConfig board, DeviceNodes nodes) {
        List<String> open = nodes.openGpioChips();
        if (open.isEmpty() || open.contains(board.gpioChip())) {
            return null;
        }
        return "Pi4J opened " + String.join(", ", open) + ", not gpio.chip = " + board.gpioChip() + ": set gpio.chip = "
                + open.get(0);
    }

    /** A board's check before anything is opened: the model Pi4J must know for GPIO; null when it does. */
    public static String boardProblem(DeviceNodes nodes) {
        if (BoardInfoHelper.runningOnRaspberryPi()) {
            return null;
        }
        String model = nodes.model();
        return "board model " + (model == null ? "(no /proc/device-tree/model)" : "'" + model + "'")
                + " unknown to Pi4J 2.8.0, so it opens no GPIO chip";
    }

    private String nextId(String kind) {
        return "sensorpub-" + kind + "-" + (ioCount++);
    }

    /** Shuts the context down, releasing GPIO lines and bus handles, and deletes the extracted native libraries. */
    @Override
    public void close() {
        for (SharedSpi handle : spiHandles.values()) {
            handle.close();
        }
        spiHandles.clear();
        try {
            context.shutdown();
        } finally {
            NativeLibraryFiles.deleteLoaded();
        }
    }
}
