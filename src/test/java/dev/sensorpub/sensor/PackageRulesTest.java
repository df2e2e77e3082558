package dev.sensorpub.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The arrows of ARCHITECTURE.md for the packages this part owns, checked on the sources. */
class PackageRulesTest {
    private static final Path MAIN = Path.of("src/main/java/dev/sensorpub");

    private static List<String> offenders(Path under, String forbiddenImport, String allowedDir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(under)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (allowedDir != null && f.startsWith(MAIN.resolve(allowedDir))) {
                    continue;
                }
                if (Files.readString(f).contains("import " + forbiddenImport)) {
                    out.add(MAIN.relativize(f).toString());
                }
            }
        }
        return out;
    }

    @Test
    void onlySensorPi4jImportsPi4j() throws IOException {
        assertEquals(List.of(), offenders(MAIN, "com.pi4j", "sensor/pi4j"));
    }

    @Test
    void configAndPayloadDependOnNoOtherPartOfThePipeline() throws IOException {
        for (String other : List.of("queue", "session", "transport", "sensor", "payload", "agent")) {
            assertEquals(List.of(), offenders(MAIN.resolve("config"), "dev.sensorpub." + other, null), other);
        }
        for (String other : List.of("queue", "session", "transport", "sensor", "config", "agent", "codec")) {
            assertEquals(List.of(), offenders(MAIN.resolve("payload"), "dev.sensorpub." + other, null), other);
        }
        for (String other : List.of("queue", "session", "transport", "agent", "payload")) {
            assertEquals(List.of(), offenders(MAIN.resolve("sensor"), "dev.sensorpub." + other, null), other);
        }
    }
}
