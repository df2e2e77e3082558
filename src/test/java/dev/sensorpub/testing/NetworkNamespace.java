package dev.sensorpub.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private network namespace ({@code ip netns add sp-<pid>-<n>}) with only its own loopback up, for
 * tests that shape or cut a link with the kernel's own tools. Every process started in it is
 * stopped, and the namespace deleted, on {@link #close()} and at JVM exit.
 *
 * <p>Never skips: a machine that cannot make one (not root, no {@code ip}, no {@code iptables}, a
 * kernel or container that refuses) fails with the reason and the command that fixes it.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final Pattern OURS = Pattern.compile("sp-(\\d+)-\\d+");
    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final long STOP_TIMEOUT_SECONDS = 10;
    private static final String[] TOOLS = {"ip", "tc", "iptables"};
    private static final String FIX_PACKAGES = "apt-get install -y iproute2 iptables (or scripts/require-tools.sh"
            + " iproute2 iptables; scripts/test.sh does this as root)";

    private final String name;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean deleted;

    private NetworkNamespace(String name) {
        this.name = name;
        this.shutdownHook = new Thread(this::deleteQuietly, "netns-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Makes a new namespace with its loopback up; fails with the reason and the fix when it cannot. */
    public static NetworkNamespace create() {
        requireCapable();
        deleteLeftoversOfDeadRuns();
        NetworkNamespace ns = new NetworkNamespace("sp-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet());
        try {
            Result add = runOnHost(List.of("ip", "netns", "add", ns.name));
            if (add.exitCode != 0) {
                throw new IllegalStateException("cannot make a network namespace: 'ip netns add " + ns.name
                        + "' failed: " + add.output.strip() + ". The kernel must allow network namespaces and"
                        + " this process needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root on the host or in"
                        + " a privileged container (docker run --privileged)");
            }
            ns.exec("ip", "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** Fails unless this process is root and ip, tc and iptables are installed. */
    public static void requireCapable() {
        long uid = uid();
        if (uid != 0) {
            throw new IllegalStateException("the link lab needs root to make network namespaces, shape them with tc"
                    + " and cut them with iptables; this process runs as uid " + uid
                    + ". Run the tests as root: sudo scripts/test.sh");
        }
        for (String tool : TOOLS) {
            if (find(tool) == null) {
                throw new IllegalStateException("the link lab needs '" + tool + "', which is not on the PATH. Install"
                        + " it: " + FIX_PACKAGES);
            }
        }
    }

    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]); // effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot tell whether this process is root: /proc/self/status: " + e, e);
        }
        throw new IllegalStateException("cannot tell whether this process is root: no Uid line in /proc/self/status");
    }

    private static Path find(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * A run killed with SIGKILL cannot clean up: the next namespace made kills what that run left
     * running in its namespaces (the agent, mosquitto, mosquitto_sub) and deletes them.
     */
    private static void deleteLeftoversOfDeadRuns() {
        Result list = runOnHost(List.of("ip", "netns", "list"));
        for (String line : list.output.split("\n")) {
            String[] words = line.strip().split("\\s+");
            Matcher m = OURS.matcher(words[0]);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                for (String pid : runOnHost(List.of("ip", "netns", "pids", words[0])).output.split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                runOnHost(List.of("ip", "netns", "delete", words[0]));
            }
        }
    }

    public String name() {
        return name;
    }

    /** {@code command} as run inside this namespace. */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Runs a short command inside and returns its exit code and output, whatever they are. */
    public Result run(String... command) {
        return runOnHost(inside(List.of(command)));
    }

    /** Runs a short command inside and returns its output; fails with that output if it exits non-zero. */
    public String exec(String... command) {
        Result r = run(command);
        if (r.exitCode != 0) {
            throw new IllegalStateException("in namespace " + name + ": '" + String.join(" ", command) + "' failed (exit "
                    + r.exitCode + "): " + r.output.strip());
        }
        return r.output;
    }

    /** Starts a long-running process inside, output to {@code log} (replaced); stopped on {@link #close()}. */
    public Process start(List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start '" + String.join(" ", command) + "' in " + name + ": " + e, e);
        }
    }

    /** Like {@link #start(List, Path)}, with the output left on a pipe for the caller to read. */
    public Process startPiped(List<String> command) {
        try {
            Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start '" + String.join(" ", command) + "' in " + name + ": " + e, e);
        }
    }

    /** SIGTERM, then SIGKILL after a grace period; returns the exit code. */
    public static int stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    /** How a short command ended: its exit code (-1: killed after the timeout) and its output. */
    public record Result(int exitCode, String output) {
    }

    private static Result runOnHost(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + String.join(" ", command) + "': " + e.getMessage()
                    + ". Install the tools: " + FIX_PACKAGES, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    private synchronized void deleteQuietly() {
        if (deleted) {
            return;
        }
        for (int i = processes.size() - 1; i >= 0; i--) { // the agent before the broker it drains to
            stop(processes.get(i));
        }
        try {
            runOnHost(List.of("ip", "netns", "delete", name));
        } catch (RuntimeException ignored) {
            // At JVM exit nothing more can be done; the next create() deletes it.
        }
        deleted = true;
    }

    /** Stops every process started inside and deletes the namespace. */
    @Override
    public void close() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }
}
