package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mapping files README shows are these files, and each passes {@code --check}: an example a
 * reader pastes works as pasted.
 */
class ReadmeConfigExamplesTest {
    private static final Path EXAMPLES = Path.of("src/test/resources/readme");

    @ParameterizedTest
    @ValueSource(strings = {"mapping.properties", "home-assistant.properties"})
    void readmeShowsTheFileAndTheFilePassesCheck(String name) throws IOException {
        Path file = EXAMPLES.resolve(name);
        List<String> example = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertTrue(codeBlocks(Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)).contains(example),
                "README.md shows " + file + " line for line, as a block indented by four spaces");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--check", file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    }

    /** Every run of lines indented by four spaces, without the indent. */
    private static List<List<String>> codeBlocks(List<String> readme) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : readme) {
            if (line.startsWith("    ")) {
                current.add(line.substring(4));
            } else if (!current.isEmpty()) {
                blocks.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }
}
