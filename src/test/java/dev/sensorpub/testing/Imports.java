package dev.sensorpub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The arrows of ARCHITECTURE.md, checked on the sources: which imports a package may have. */
public final class Imports {
    private static final Path MAIN = Path.of("src/main/java/dev/sensorpub");

    private Imports() {
    }

    /** "file: import x" for every import in {@code pkg} (a directory under dev/sensorpub) outside {@code allowedPrefixes}. */
    public static List<String> outside(String pkg, String... allowedPrefixes) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.startsWith("import ")) {
                        continue;
                    }
                    String name = line.substring("import ".length()).replace("static ", "");
                    boolean allowed = false;
                    for (String prefix : allowedPrefixes) {
                        allowed |= name.startsWith(prefix);
                    }
                    if (!allowed) {
                        out.add(MAIN.relativize(f) + ": " + line);
                    }
                }
            }
        }
        return out;
    }
}
