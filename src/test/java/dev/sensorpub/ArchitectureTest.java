package dev.sensorpub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows of the data path, checked on the sources: which of our packages each package may
 * import. They point one way, from the agent down to the codec; nothing imports the agent.
 * sensor.pi4j implements output's DigitalOutput, as it implements the sensors' device interfaces.
 * time (the injected monotonic and wall clocks) lies below everything but the codec.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/sensorpub");
    private static final Pattern OUR_IMPORT = Pattern.compile("^import (?:static )?dev\\.sensorpub\\.([a-z0-9]+)",
            Pattern.MULTILINE);

    /**
     * config reads the mapping file into the settings types of the parts it configures (queue,
     * log), validates topics with the codec's Topic and broker URLs with the transport's Endpoints,
     * so it never keeps copies of them.
     */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
            Map.entry("time", Set.of()),
            Map.entry("codec", Set.of()),
            Map.entry("log", Set.of("time")),
            Map.entry("payload", Set.of("time")),
            Map.entry("transport", Set.of("log", "time")),
            Map.entry("queue", Set.of("log", "time")),
            Map.entry("config", Set.of("codec", "log", "queue", "time", "transport")),
            Map.entry("sensor", Set.of("config", "log", "output", "time")),
            Map.entry("output", Set.of("codec", "config", "log", "time")),
            Map.entry("ha", Set.of("codec", "config", "log", "time")),
            Map.entry("session", Set.of("codec", "transport", "queue", "log", "time")),
            Map.entry("agent", Set.of("codec", "config", "ha", "log", "output", "payload", "queue", "sensor", "session",
                    "transport", "time")));

    @Test
    void everyPackageImportsOnlyWhatLiesBelowIt() throws IOException {
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                Set<String> allowed = MAY_IMPORT.get(pkg);
                if (allowed == null) {
                    offences.add(file + ": package '" + pkg + "' has no rule in ArchitectureTest");
                    continue;
                }
                Matcher m = OUR_IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        offences.add(MAIN.relativize(file) + " imports " + target);
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    void onlySensorPi4jImportsPi4j() throws IOException {
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (!file.startsWith(MAIN.resolve("sensor/pi4j")) && Files.readString(file).contains("import com.pi4j")) {
                    offences.add(MAIN.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), offences);
    }
}
