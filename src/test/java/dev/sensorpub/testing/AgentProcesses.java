package dev.sensorpub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes a test started (agents as their own JVMs, their helpers), each killed after the
 * test whatever it did, and waits on the log files they write. Register it as a field:
 * {@code @RegisterExtension final AgentProcesses processes = new AgentProcesses();}
 */
public final class AgentProcesses implements AfterEachCallback {
    private final List<Process> started = new ArrayList<>();

    /** The agent from the test classpath with {@code args}, stdout and stderr into {@code log}. */
    public Process startAgent(Path log, String... args) throws IOException {
        return start(new ProcessBuilder(AgentCommand.fromTestClasspath(args)), log);
    }

    /** {@code pb} (its environment set by the caller), stdout and stderr into {@code log}. */
    public Process start(ProcessBuilder pb, Path log) throws IOException {
        return track(pb.redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    /** A process started elsewhere, killed with the rest. */
    public Process track(Process p) {
        started.add(p);
        return p;
    }

    /** How many were started so far (to name a file per start). */
    public int count() {
        return started.size();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Process p : started) {
            p.destroyForcibly();
        }
        started.clear();
    }

    /** The lines of {@code file} that contain {@code text}; 0 while it does not exist. */
    public static long countLines(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return Files.readAllLines(file).stream().filter(l -> l.contains(text)).count();
    }

    /** Waits until {@code file} has at least {@code atLeast} lines containing {@code text}; false after the timeout. */
    public static boolean awaitLines(Path file, String text, long atLeast, long timeoutMillis)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (countLines(file, text) >= atLeast) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
