package dev.sensorpub.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy.sh in --dry-run: it prints the commands it would run against a Pi, which
 * this test reads. Nothing is built, copied or installed.
 */
class DeployScriptTest {
    private static final Path SCRIPTS = Path.of("scripts");

    @TempDir
    Path dir;

    @Test
    void dryRunPrintsBuildCopyCheckAndInstallCommands() throws Exception {
        Path mapping = write("garage.properties", "board = my-board   # comment\nlog.serial = /dev/serial0\n");
        write("my-board", "name = my-board\n");
        Run run = deploy("--dry-run", "pi@example", mapping.toString());
        assertEquals(0, run.status, run.output);

        String stage = find(run, "\\+ ssh pi@example 'umask 077 && mkdir (/tmp/sensorpub-deploy-[0-9-]+)'");
        assertTrue(run.output.contains("+ mvn -B -ntp -f "), run.output);
        String copy = line(run, "+ scp ");
        assertTrue(copy.contains("target/sensorpub.jar "), copy);
        assertTrue(copy.contains("/serial.conf "), copy);
        assertTrue(copy.endsWith(" pi@example:" + stage + "/"), copy);
        assertTrue(run.output.contains("+ ssh pi@example 'cd " + stage + "/etc && java -jar " + stage
                + "/sensorpub.jar --check --hardware sensorpub.properties'"), run.output);
        assertTrue(run.output.contains("+ ssh -t pi@example 'sudo sh " + stage + "/install.sh " + stage
                + " /usr/bin/java /dev/serial0'"), run.output);
        assertTrue(run.output.contains("board my-board, serial log /dev/serial0"), run.output);
        assertTrue(run.output.contains("journalctl -u sensorpub -f"), run.output);
        assertTrue(run.output.contains("screen /dev/ttyUSB0 115200"), run.output);
    }

    @Test
    void withoutLogSerialNoSerialDropInIsInstalled() throws Exception {
        Path mapping = write("m.properties", "board = b.properties\n");
        write("b.properties", "name = b\n");
        Run run = deploy("--dry-run", "--no-build", "--no-check", "pi@example", mapping.toString());
        assertEquals(0, run.status, run.output);
        assertFalse(run.output.contains("+ mvn"), run.output);
        assertFalse(run.output.contains("--check"), run.output);
        assertFalse(line(run, "+ scp ").contains("serial.conf"), run.output);
        assertTrue(line(run, "+ ssh -t pi@example").endsWith(" /usr/bin/java none'"), run.output);
        assertFalse(run.output.contains("ttyUSB0"), run.output);
    }

    @Test
    void aJlinkRuntimeIsShippedAndRunsTheService() throws Exception {
        Path mapping = write("m.properties", "board = b\n");
        write("b", "name = b\n");
        Path java = dir.resolve("rt-aarch64/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\n");
        assertTrue(java.toFile().setExecutable(true));
        Run run = deploy("--dry-run", "--no-build", "--runtime", dir.resolve("rt-aarch64").toString(), "pi@example",
                mapping.toString());
        assertEquals(0, run.status, run.output);
        String stage = find(run, "\\+ ssh pi@example 'umask 077 && mkdir (/tmp/sensorpub-deploy-[0-9-]+)'");
        assertTrue(line(run, "+ scp ").contains(" " + dir.resolve("rt-aarch64") + " "), run.output);
        assertTrue(run.output.contains("+ ssh pi@example 'mv " + stage + "/rt-aarch64 " + stage + "/runtime'"),
                run.output);
        assertTrue(run.output.contains("&& " + stage + "/runtime/bin/java -jar "), run.output);
        assertTrue(line(run, "+ ssh -t pi@example").endsWith(" /opt/sensorpub/runtime/bin/java none'"), run.output);
    }

    @Test
    void aRuntimeWithoutJavaIsRefused() throws Exception {
        Run run = deploy("--dry-run", "--no-build", "--runtime", dir.toString(), "pi@example");
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("has no bin/java (build it with scripts/build-runtime.sh)"), run.output);
    }

    @Test
    void withoutMappingOnlyTheJarAndUnitAreInstalled() throws Exception {
        Run run = deploy("--dry-run", "--no-build", "pi@example");
        assertEquals(0, run.status, run.output);
        assertTrue(run.output.contains("deploying to pi@example: jar\n"), run.output);
        assertFalse(run.output.contains("--check"), run.output);
    }

    @Test
    void aHardwareCheckThatFailsOnThePiStopsTheDeploymentBeforeAnythingIsReplaced() throws Exception {
        // A copy of the repository with a jar in place, and ssh/scp that log their calls; the
        // Pi's "java --check --hardware" reports a missing /dev/i2c-1.
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("scripts"));
        Files.createDirectories(repo.resolve("target"));
        for (String script : List.of("deploy.sh", "deploy-remote.sh", "sensorpub.service")) {
            Files.copy(SCRIPTS.resolve(script), repo.resolve("scripts").resolve(script));
        }
        Files.writeString(repo.resolve("target/sensorpub.jar"), "not a real jar");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        String fake = "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> " + calls + "\n"
                + "case \"$*\" in *--check*) echo '1 device problem; nothing was started' >&2; exit 1;; esac\n";
        for (String tool : List.of("ssh", "scp")) {
            Files.writeString(bin.resolve(tool), fake);
            assertTrue(bin.resolve(tool).toFile().setExecutable(true));
        }
        Path mapping = write("m.properties", "board = b\n");
        write("b", "name = b\n");
        ProcessBuilder builder = new ProcessBuilder("bash", repo.resolve("scripts/deploy.sh").toString(),
                "--no-build", "pi@example", mapping.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("1 device problem; nothing was started"), output);
        List<String> made = Files.readAllLines(calls);
        assertEquals(3, made.size(), String.join("\n", made));
        assertTrue(made.get(2).startsWith("ssh pi@example cd /tmp/sensorpub-deploy-"), made.get(2));
        assertTrue(made.get(2).contains(" --check --hardware sensorpub.properties"), made.get(2));
        assertFalse(String.join("\n", made).contains("sudo"), "the installer never ran");
    }

    @Test
    void aMissingTargetIsAUsageError() throws Exception {
        Run run = deploy("--dry-run");
        assertEquals(2, run.status, run.output);
        assertTrue(run.output.contains("deploy.sh: missing user@host"), run.output);
    }

    @Test
    void anOptionLookingTargetIsRefused() throws Exception {
        Run run = deploy("--dry-run", "--", "-oProxyCommand=x");
        assertEquals(2, run.status, run.output);
        assertTrue(run.output.contains("is not a valid ssh target"), run.output);
    }

    @Test
    void anUnknownBoardNamesTheBoard() throws Exception {
        Path mapping = write("m.properties", "board = no-such-board\n");
        Run run = deploy("--dry-run", "--no-build", "pi@example", mapping.toString());
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("board 'no-such-board' is neither a file nor one of board-configs/"), run.output);
    }

    @Test
    void aMappingWithoutBoardAsksForOne() throws Exception {
        Path mapping = write("m.properties", "mqtt.server = tcp://127.0.0.1:1883\n");
        Run run = deploy("--dry-run", "--no-build", "pi@example", mapping.toString());
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("has no 'board' key; name the board as the third argument"), run.output);
    }

    @Test
    void aSerialPathThatIsNotAPlainDeviceIsRefused() throws Exception {
        Path mapping = write("m.properties", "board = b\nlog.serial = /dev/serial0;reboot\n");
        write("b", "name = b\n");
        Run run = deploy("--dry-run", "--no-build", "pi@example", mapping.toString());
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("log.serial '/dev/serial0;reboot'"), run.output);
    }

    @Test
    void helpExplainsUsage() throws Exception {
        Run run = deploy("--help");
        assertEquals(0, run.status, run.output);
        assertTrue(run.output.startsWith("usage: scripts/deploy.sh [options] user@host [mapping.properties] [board]"),
                run.output);
    }

    @Test
    void scriptsPassShellcheck() throws Exception {
        assertTrue(onPath("shellcheck"), "shellcheck not installed: run scripts/require-tools.sh shellcheck");
        Run run = exec(List.of("shellcheck", "scripts/deploy.sh", "scripts/deploy-remote.sh",
                "scripts/build-runtime.sh"));
        assertEquals(0, run.status, run.output);
    }

    @Test
    void theUnitPassesSystemdVerification() throws Exception {
        assertTrue(onPath("systemd-analyze"), "systemd-analyze not installed: run scripts/require-tools.sh systemd");
        String unit = Files.readString(SCRIPTS.resolve("sensorpub.service")).replace("@JAVA@", "/bin/true");
        Path rendered = dir.resolve("sensorpub.service");
        Files.writeString(rendered, unit);
        Run run = exec(List.of("systemd-analyze", "verify", rendered.toString()));
        assertEquals(0, run.status, run.output);
        assertFalse(run.output.contains(rendered.toString()), run.output);   // its complaints name the file
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Run deploy(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/deploy.sh"));
        command.addAll(List.of(args));
        return exec(command);
    }

    private static Run exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean onPath(String tool) throws Exception {
        return exec(List.of("bash", "-c", "command -v " + tool)).status == 0;
    }

    private static String line(Run run, String prefix) {
        return run.output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n" + run.output));
    }

    private static String find(Run run, String regex) {
        var matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(run.output);
        assertTrue(matcher.find(), "no match for " + regex + " in:\n" + run.output);
        return matcher.group(1);
    }

    private record Run(int status, String output) {
    }
}
