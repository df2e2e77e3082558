package dev.sensorpub.agent;

import dev.sensorpub.config.AgentConfig;
import dev.sensorpub.config.ConfigException;
import dev.sensorpub.config.MappingFile;
import dev.sensorpub.log.Counts;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import dev.sensorpub.sensor.DeviceNodes;
import dev.sensorpub.sensor.HardwareAddresses;
import dev.sensorpub.sensor.HardwareCheck;
import dev.sensorpub.sensor.HardwareException;
import dev.sensorpub.sensor.pi4j.Pi4jHardware;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code java -jar sensorpub.jar <mapping.properties>} and its siblings. Exit status: 0 clean
 * stop, 2 configuration error (nothing was started), 1 any other fatal error.
 */
public final class Main {
    static final int OK = 0;
    static final int FATAL = 1;
    static final int BAD_CONFIG = 2;
    private static final Logger LOG = Log.logger("agent");
    /** How long the SIGTERM hook waits for the loop's drain before it gives up. */
    private static final long STOP_GRACE_MILLIS = Agent.SHUTDOWN_DRAIN_MILLIS + 5_000;

    private static final String USAGE = """
            usage: java -jar sensorpub.jar <mapping.properties>   run: read sensors, publish to MQTT
                   java -jar sensorpub.jar --check <mapping.properties>   validate the file and exit
                   java -jar sensorpub.jar --check --hardware <mapping.properties>   also the devices it needs, on the Pi
                   java -jar sensorpub.jar bench --server URL --qos 0|1 --count N --size BYTES [--window W] [--topic T] [--backlog N]
                   java -jar sensorpub.jar --version | --help
            exit status: 0 clean stop, 2 configuration error, 1 other fatal error""";

    private Main() {
    }

    public static void main(String[] args) {
        quietPi4jLogging();
        int status = run(args, System.out, System.err);
        if (status != RUNNING_UNTIL_SIGNAL) {
            System.exit(status);
        }
    }

    /** Returned when the agent stopped because of SIGTERM/SIGINT: the shutdown hook sets the status. */
    static final int RUNNING_UNTIL_SIGNAL = -1;

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return BAD_CONFIG;
        }
        switch (args[0]) {
            case "--help", "-h" -> {
                out.println(USAGE);
                return OK;
            }
            case "--version" -> {
                out.println("sensorpub " + Version.current());
                return OK;
            }
            case "--check" -> {
                boolean hardware = args.length == 3 && args[1].equals("--hardware");
                if (args.length != (hardware ? 3 : 2)) {
                    err.println("--check takes one mapping file, after --hardware if given\n" + USAGE);
                    return BAD_CONFIG;
                }
                return check(Path.of(args[hardware ? 2 : 1]), hardware ? DeviceNodes.system() : null, out, err);
            }
            case "bench" -> {
                return BenchCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
            }
            default -> {
                if (args.length != 1 || args[0].startsWith("-")) {
                    err.println("unknown arguments " + Arrays.toString(args) + "\n" + USAGE);
                    return BAD_CONFIG;
                }
                return runAgent(Path.of(args[0]), err);
            }
        }
    }

    /** @param nodes where to check the devices the mapping needs; null: the file only */
    static int check(Path mapping, DeviceNodes nodes, PrintStream out, PrintStream err) {
        AgentConfig config;
        try {
            config = load(mapping);
        } catch (ConfigException e) {
            printProblems(mapping, e, err);
            return BAD_CONFIG;
        }
        if (nodes != null) {
            HardwareCheck hardware = HardwareCheck.run(config.sensors(), config.outputs(), config.board(), nodes,
                    Pi4jHardware.boardProblem(nodes));
            if (!hardware.problems().isEmpty()) {
                err.println(mapping + ": " + Counts.of(hardware.problems().size(), "device problem")
                        + "; nothing was started");
                for (String problem : hardware.problems()) {
                    err.println("  " + problem);
                }
                return FATAL;
            }
            for (String device : hardware.checked()) {
                out.println("  usable: " + device);
            }
        }
        for (String note : config.notes()) {
            out.println("  note: " + note);
        }
        out.println(mapping + ": OK (" + config.sensors().size() + " sensors, " + config.outputs().size()
                + " outputs, board " + config.board().name() + ", broker " + config.mqtt().servers()
                + ", Home Assistant discovery " + (config.ha().discovery() ? "on" : "off") + ")");
        return OK;
    }

    /** The mapping file, and the hardware it uses twice (a pin, an I2C address) as problems of the file. */
    private static AgentConfig load(Path mapping) throws ConfigException {
        AgentConfig config = MappingFile.load(mapping);
        java.util.List<String> conflicts = HardwareAddresses.conflicts(config.sensors(), config.outputs(), config.board());
        if (!conflicts.isEmpty()) {
            throw new ConfigException(MappingFile.onTheirLines(mapping, conflicts));
        }
        return config;
    }

    private static void printProblems(Path mapping, ConfigException e, PrintStream err) {
        err.println(mapping + ": " + Counts.of(e.problems().size(), "problem") + "; nothing was started");
        for (String problem : e.problems()) {
            err.println("  " + problem);
        }
    }

    private static int runAgent(Path mapping, PrintStream err) {
        AgentConfig config;
        try {
            config = load(mapping);
        } catch (ConfigException e) {
            printProblems(mapping, e, err);
            return BAD_CONFIG;
        }
        Log.configure(config.log());
        LOG.info("sensorpub " + Version.current() + " starting with " + mapping + " on " + config.board().name());
        for (String note : config.notes()) {
            LOG.warn(note);
        }
        Agent agent;
        try {
            agent = Agent.start(config);
        } catch (RuntimeException e) {
            HardwareException hardware = hardwareCause(e);
            LOG.error("cannot start: " + (hardware != null ? hardware.getMessage() : Problems.describe(e)));
            Log.flush();
            return FATAL;
        }
        Thread loop = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(agent, loop), "sensorpub-stop"));
        int status = agent.run();
        return agent.stoppedBySignal() ? RUNNING_UNTIL_SIGNAL : status;
    }

    /** The hardware failure under {@code e}: its message already says what failed, why, and the fix. */
    private static HardwareException hardwareCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HardwareException h) {
                return h;
            }
        }
        return null;
    }

    /**
     * SIGTERM or SIGINT: the loop stops its sensors, says "offline", drains what the link takes
     * and closes the queue; then the JVM ends with the loop's status (0 for a clean stop), not
     * the 143 a killed JVM would report.
     */
    private static void stopOnSignal(Agent agent, Thread loop) {
        agent.requestStopBySignal();
        try {
            if (!agent.awaitStopped(STOP_GRACE_MILLIS)) {
                LOG.error("did not stop within " + STOP_GRACE_MILLIS + " ms; exiting anyway");
                Log.flush();
                Runtime.getRuntime().halt(FATAL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.flush();
        Runtime.getRuntime().halt(agent.exitStatus());
    }

    /**
     * Pi4J logs through SLF4J, which prints three lines on stderr when no SLF4J backend is
     * present. Its no-op provider silences it without a dependency; set before Pi4J loads.
     */
    private static void quietPi4jLogging() {
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }
}
