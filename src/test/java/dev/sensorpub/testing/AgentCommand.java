package dev.sensorpub.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How a test starts the agent as its own JVM: from the test classpath, or from the built jar. */
public final class AgentCommand {
    private AgentCommand() {
    }

    /** The agent from this JVM's classpath (what {@code mvn test} just compiled). */
    public static List<String> fromTestClasspath(String... args) {
        List<String> command = jvm();
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sensorpub.agent.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** The agent as shipped: {@code java -jar sensorpub.jar ...}. */
    public static List<String> fromJar(Path jar, String... args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; build it with: mvn -B -ntp -DskipTests package");
        }
        List<String> command = jvm();
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> jvm() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-Dsensorpub.board-dir=" + Path.of("board-configs").toAbsolutePath()));
    }
}
