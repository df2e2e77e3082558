package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.sensorpub.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile (or hurried) new user writes into a mapping file: each is either read exactly as
 * java.util.Properties reads it, or reported with its line and the fix; no secret is ever repeated.
 */
class HostileMappingTest {
    private static final String MINIMAL = "board = simulator\nmqtt.server = tcp://127.0.0.1:1883\n"
            + "mqtt.client-id = garage-pi\nsensor.beat.type = sim-counter\nsensor.beat.topic = garage/heartbeat\n";

    @TempDir
    Path dir;

    private static PropertiesFile parse(String text) {
        return PropertiesFile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every problem --check would print for the minimal file plus {@code extra}. */
    private List<String> problems(String extra) throws IOException {
        Path file = dir.resolve("mapping.properties");
        Files.writeString(file, MINIMAL + extra);
        try {
            MappingFile.load(file, List.of(Path.of("board-configs")));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    private static void assertNoneContains(List<String> problems, String secret) {
        assertFalse(problems.isEmpty(), "expected the file to be rejected");
        for (String problem : problems) {
            assertFalse(problem.contains(secret), "secret '" + secret + "' printed: " + problem);
        }
    }

    @Test
    void separatorsWhitespaceAndLineEndingsAreReadAsPropertiesReadsThem() throws IOException {
        String text = "a:1\r\nb\t2\r\nc \f = 3\rd\\ e = 4\n  ! bang comment\n\tf=\n"
                + "g = \\\n\n h = 5\\\r\n   6\ni = x \\\\\nj = \u00fcber/t\u00f6pic/\u6e29\u5ea6\n"
                + "\\\nk = 7\nl = \\\n   \\\n   8\n#c \\\nm = 9\nn = =x\no := y\np=end\\";
        PropertiesFileTest.assertReadAsPropertiesReads(text);
    }

    @Test
    void aPasswordEndingInASpaceIsRejectedByTheLoaderThatCheckAndStartShareWithoutPrintingIt() throws IOException {
        List<String> problems = problems("mqtt.username = bob\nmqtt.password = hunter2  \n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("line 7: mqtt.password: the value ends in 2 spaces"), problems.get(0));
        assertNoneContains(problems, "hunter2");
    }

    @Test
    void anEscapeProblemUnderAMisspeltPasswordKeyRepeatsNoPartOfThePassword() throws IOException {
        assertNoneContains(problems("mqtt.username = bob\nmqtt.pasword = ab\\uZZZZ-hunter2\n"), "ZZZZ");
        assertNoneContains(problems("mqtt.username = bob\nmqtt.Password = hunt\\er2\n"), "\\e");
        assertNoneContains(problems("mqtt.username = bob\nmqtt.passwd = hunter2 #xyz\n"), "#xyz");
    }

    @Test
    void anEscapeProblemInsideBrokerUserInfoRepeatsNoPartOfIt() throws IOException {
        assertNoneContains(problems("mqtt.server = tcp://bob:hu\\uQQQQ@127.0.0.1:1883\n"), "QQQQ");
        assertNoneContains(problems("mqtt.server = tcp://bob:hu\\nter2@127.0.0.1:1883\n"), "\\n");
    }

    @Test
    void aBrokerPasswordCutByAHashRepeatsNoPartOfIt() throws IOException {
        List<String> problems = problems("mqtt.server = tcp://bob:pa #55@127.0.0.1:1883\n");
        assertNoneContains(problems, "#55");
        assertNoneContains(problems, "'pa'");
    }

    @Test
    void aBrokerUrlWithUserInfoButNoAtSignRepeatsNoPassword() throws IOException {
        assertNoneContains(problems("mqtt.server = tcp://bob:hunter2\n"), "hunter2");
    }

    @Test
    void aCommentInPlaceOfTheValueIsReported() throws IOException {
        assertEquals(List.of("line 6: mqtt.username: '# none' is not a comment in a properties file but part of "
                + "the value; put the comment on a line of its own, or write \\# if the # belongs to the value"),
                problems("mqtt.username = # none\n"));
        assertTrue(problems("queue.type = file\nqueue.path = # default\n").stream()
                .anyMatch(p -> p.startsWith("line 7: queue.path: '# default' is not a comment")));
    }

    @Test
    void aContinuationLineThatLooksLikeACommentIsReported() {
        PropertiesFile file = parse("ha.name = Garage\\\n# the garage sensor\nb = 1\n");
        assertEquals(List.of("line 1: ha.name: line 2 continues the value (line 1 ends in '\\') but looks like a "
                + "comment; remove the '\\' at the end of line 1, or write \\\\ if the value ends in a backslash"),
                file.problems());
    }

    @Test
    void aPasswordOfOneMegabyteFailsCheckNotTheConnection() throws IOException {
        String big = "x".repeat(1 << 20);
        List<String> problems = problems("mqtt.username = bob\nmqtt.password = " + big + "\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("line 7: mqtt.password: is 1048576 bytes"), problems.get(0));
    }

    @Test
    void duplicatePasswordLinesNameBothLinesButNoValue() throws IOException {
        List<String> problems = problems("mqtt.username = bob\nmqtt.password = first1\nmqtt.password = second2\n");
        assertEquals(List.of("line 8: mqtt.password: also set on line 7; a properties file keeps only the last, "
                + "so delete one of them"), problems);
    }

    @Test
    void anUnknownBoardListsTheBuiltInOnes() throws IOException {
        List<String> problems = problems("board = raspbery-pi-4b\n");
        assertEquals(2, problems.size(), problems.toString());
        String board = problems.stream().filter(p -> p.contains(": board: '")).findFirst().orElseThrow();
        assertTrue(board.startsWith("line 6: board: 'raspbery-pi-4b' is not a board; did you mean 'raspberry-pi-4b'?"),
                board);
    }

    @Test
    void aBoardPathThatDoesNotExistNamesThePath() throws IOException {
        List<String> found = new ArrayList<>();
        for (String p : problems("board = boards/mine.properties\n")) {
            if (p.contains("board: board file not found")) {
                found.add(p);
            }
        }
        assertEquals(1, found.size());
        assertTrue(found.get(0).endsWith(dir.resolve("boards/mine.properties") + "; give an existing file, or a "
                + "built-in board: " + String.join(", ", BoardConfig.BUILT_IN)), found.get(0));
    }

    @Test
    void aBuiltInBoardWrittenAsAFileNameSaysHowToNameIt() throws IOException {
        assertEquals(List.of("line 6: board: board file not found: " + dir.resolve("raspberry-pi-4b.properties")
                + "; for the built-in board write board = raspberry-pi-4b"),
                problems("board = raspberry-pi-4b.properties\n").stream().filter(p -> p.contains("not found"))
                        .toList());
    }

    @Test
    void aCaFileThatIsNoCertificateFailsCheckAsItFailsTheStart() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), "garbage\n");
        assertEquals(List.of("line 7: mqtt.tls.ca-file: " + dir.resolve("ca.pem") + " contains no PEM certificate "
                + "(expected a '-----BEGIN CERTIFICATE-----' block)"),
                problems("mqtt.server = ssl://127.0.0.1:8883\nmqtt.tls.ca-file = ca.pem\n").stream()
                        .filter(p -> !p.contains("also set on line")).toList());
    }

    @Test
    void aClientKeyOfAnotherCertificateFailsCheckAsItFailsTheStart() throws IOException {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        List<String> problems = problems("mqtt.server = ssl://127.0.0.1:8883\nmqtt.tls.cert-file = " + pki.clientCert()
                + "\nmqtt.tls.key-file = " + pki.untrustedClientKey() + "\n");
        assertEquals(List.of("line 8: mqtt.tls.key-file: " + pki.untrustedClientKey() + " does not belong to the "
                + "certificate in cert-file " + pki.clientCert()),
                problems.stream().filter(p -> p.contains("mqtt.tls")).map(p -> p.replaceFirst(" \\(.*\\)$", ""))
                        .toList());
    }

    @Test
    void anInvisibleSpacePastedIntoAValueIsReported() {
        assertEquals(List.of("line 2: sensor.t.topic: holds an invisible U+00A0 at column 4 of the value "
                + "(pasted from a web page?); delete it, or write \\u00a0 if it belongs there",
                "line 3: sensor.u.topic: holds an invisible U+200B at column 3 of the value (pasted from a web page?); "
                + "delete it, or write \\u200b if it belongs there"),
                parse("a = 1\nsensor.t.topic = g/t\u00a0\nsensor.u.topic = g/\u200bu\nv = \\u00a0kept\n").problems());
    }
}
