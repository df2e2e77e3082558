package dev.sensorpub.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy-remote.sh, the part of a deployment that runs on the Pi as root, run here
 * with every command that would change the system replaced by a stub that only records its
 * arguments. What it checks is the script's decisions: which groups, which files, which order.
 */
class DeployRemoteScriptTest {
    /** Commands the script uses to change the system; each stub appends "name args" to the log. */
    private static final List<String> STUBBED = List.of("useradd", "usermod", "install", "cp", "chown", "rm", "mv",
            "systemctl", "sleep");

    @TempDir
    Path dir;

    private Path stage;
    private Path log;
    private Path java;

    @BeforeEach
    void stageAndStubs() throws IOException {
        log = dir.resolve("calls.log");
        Files.createFile(log);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String command : STUBBED) {
            stub(bin.resolve(command), "echo \"" + command + " $*\" >> \"$CALLS\"");
        }
        stub(bin.resolve("id"), "exit 1");   // the sensorpub user does not exist yet
        stub(bin.resolve("getent"), "case \"$2\" in gpio|i2c|dialout) exit 0;; *) exit 2;; esac");   // no spi group
        java = stub(dir.resolve("java"), "echo '    java.specification.version = 17' >&2");

        stage = Files.createDirectories(dir.resolve("stage"));
        Files.createDirectories(stage.resolve("etc/board-configs"));
        for (String file : new String[] {"sensorpub.jar", "sensorpub.service", "serial.conf", "install.sh",
                "etc/sensorpub.properties", "etc/board-configs/raspberry-pi-4b.properties"}) {
            Files.writeString(stage.resolve(file), file);
        }
    }

    @Test
    void installsUserGroupsFilesUnitAndSerialDropInThenRestarts() throws Exception {
        Run run = install(java.toString(), "/dev/serial0");
        assertEquals(0, run.status, run.output);
        List<String> calls = calls();
        assertTrue(calls.get(0).startsWith("useradd --system --user-group --no-create-home --home-dir /var/lib/sensorpub"
                + " --shell /usr/sbin/nologin sensorpub"), calls.get(0));
        assertEquals(List.of("usermod -a -G gpio sensorpub", "usermod -a -G i2c sensorpub",
                "usermod -a -G dialout sensorpub"), calls.subList(1, 4));
        assertTrue(run.output.contains("install: group spi does not exist here, skipped"), run.output);
        assertTrue(calls.contains("install -m 0644 -o root -g root " + stage + "/sensorpub.jar /opt/sensorpub/sensorpub.jar"));
        assertTrue(calls.contains("install -m 0640 -o root -g sensorpub " + stage
                + "/etc/sensorpub.properties /etc/sensorpub/sensorpub.properties"));
        assertTrue(calls.contains("install -m 0640 -o root -g sensorpub " + stage
                + "/etc/board-configs/raspberry-pi-4b.properties /etc/sensorpub/board-configs/raspberry-pi-4b.properties"));
        assertTrue(calls.contains("install -d -m 0750 -o sensorpub -g sensorpub /var/lib/sensorpub"));
        assertTrue(calls.contains("install -m 0644 -o root -g root " + stage
                + "/serial.conf /etc/systemd/system/sensorpub.service.d/serial.conf"));
        int unit = calls.indexOf("install -m 0644 -o root -g root " + stage
                + "/sensorpub.service /etc/systemd/system/sensorpub.service");
        int reload = calls.indexOf("systemctl daemon-reload");
        int enable = calls.indexOf("systemctl enable sensorpub.service");
        int restart = calls.indexOf("systemctl restart sensorpub.service");
        assertTrue(unit >= 0 && unit < reload && reload < enable && enable < restart, String.join("\n", calls));
        assertEquals("rm -rf " + stage, calls.get(calls.size() - 1), "the stage (a copy of the mapping) is removed");
    }

    @Test
    void withoutSerialTheDropInIsRemovedAndDialoutNotJoined() throws Exception {
        Run run = install(java.toString(), "none");
        assertEquals(0, run.status, run.output);
        List<String> calls = calls();
        assertTrue(calls.contains("rm -f /etc/systemd/system/sensorpub.service.d/serial.conf"), String.join("\n", calls));
        assertFalse(calls.contains("usermod -a -G dialout sensorpub"), String.join("\n", calls));
    }

    @Test
    void aJavaThatDoesNotRunStopsTheInstallBeforeAnyChange() throws Exception {
        Path foreign = stub(dir.resolve("x86-java"), "exit 126");
        Run run = install(foreign.toString(), "none");
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("install: " + foreign + " does not run here"), run.output);
        assertEquals(List.of("rm -rf " + stage), calls());
    }

    @Test
    void aJavaOlderThan17StopsTheInstallWithThePackageThatWorksOnBookwormAndTrixie() throws Exception {
        Path old = stub(dir.resolve("java11"), "echo '    java.specification.version = 11' >&2");
        Run run = install(old.toString(), "none");
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("install: " + old + " is Java 11; sensorpub needs 17 or newer"), run.output);
        assertTrue(run.output.contains("sudo apt install default-jre-headless"), run.output);
        assertEquals(List.of("rm -rf " + stage), calls());
    }

    @Test
    void aServiceThatNeverReportsReadyFailsTheInstallAndShowsItsStatus() throws Exception {
        stub(dir.resolve("bin/systemctl"), "echo \"systemctl $*\" >> \"$CALLS\"; [ \"$1\" != restart ]");
        Run run = install(java.toString(), "none");
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("install: sensorpub did not start"), run.output);
        List<String> calls = calls();
        assertTrue(calls.indexOf("systemctl --no-pager --lines=15 status sensorpub.service")
                > calls.indexOf("systemctl restart sensorpub.service"), String.join("\n", calls));
    }

    @Test
    void aFirstDeploymentWithoutMappingStopsBeforeAnyChange() throws Exception {
        assumeFalse(Files.exists(Path.of("/etc/sensorpub/sensorpub.properties")), "this machine has a sensorpub install");
        Files.delete(stage.resolve("etc/sensorpub.properties"));
        Run run = install(java.toString(), "none");
        assertEquals(1, run.status, run.output);
        assertTrue(run.output.contains("no mapping file staged and none in /etc/sensorpub"), run.output);
        assertEquals(List.of("rm -rf " + stage), calls());
    }

    private Run install(String javaPath, String serial) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "scripts/deploy-remote.sh", stage.toString(), javaPath, serial)
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        env.put("CALLS", log.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("deploy-remote.sh did not finish in 30 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(log);
    }

    private static Path stub(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        assertTrue(path.toFile().setExecutable(true));
        return path;
    }

    private record Run(int status, String output) {
    }
}
