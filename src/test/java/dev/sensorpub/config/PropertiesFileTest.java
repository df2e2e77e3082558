package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The traps of the properties format, each reported with its line and the fix. */
class PropertiesFileTest {

    private static PropertiesFile parse(String text) {
        return PropertiesFile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatJavaPropertiesReads() throws IOException {
        String text = "# comment\n! also a comment\n  a = 1\nb:2\nc 3\nd=\\\n    continued \\\n  more\n"
                + "e = tab\\there\nf = caf\\u00e9\ng = \\#not-a-comment \\= \\: \\\\\nh\n";
        PropertiesFile file = assertReadAsPropertiesReads(text);
        assertEquals(Map.of("a", 3, "b", 4, "c", 5, "d", 6, "e", 9, "f", 10, "g", 11, "h", 12), file.lines());
    }

    /** {@code text} reads without problems and with exactly the values Properties gives. */
    static PropertiesFile assertReadAsPropertiesReads(String text) throws IOException {
        PropertiesFile file = parse(text);
        Properties reference = new Properties();
        reference.load(new StringReader(text));
        assertEquals(List.of(), file.problems());
        for (String key : reference.stringPropertyNames()) {
            assertEquals(reference.getProperty(key), file.values().get(key), key);
        }
        assertEquals(reference.size(), file.values().size());
        return file;
    }

    @Test
    void aTrailingCommentIsReportedAndCutOff() {
        PropertiesFile file = parse("mqtt.server = tcp://h\nboard = raspberry-pi-4b   # a file in board-configs/\n");
        assertEquals(List.of("line 2: board: '# a file in board-configs/' is not a comment in a properties file but "
                + "part of the value; put the comment on a line of its own, or write \\# if the # belongs to the "
                + "value"), file.problems());
        assertEquals("raspberry-pi-4b", file.values().get("board"));
    }

    @Test
    void blanksAtTheEndOfAValueAreReportedWithTheirLineAndKeyNotSilentlyDropped() {
        PropertiesFile file = parse("sensor.door.topic = garage/door  \nmqtt.username = bob \t\n"
                + "mqtt.password = hunter2 \nmqtt.client-id = pi\n");
        assertEquals(List.of(
                "line 1: sensor.door.topic: the value ends in 2 spaces, invisible in an editor but kept by a properties "
                        + "file (a topic or password would carry them); delete them, or end the value with '\\ ' if "
                        + "the space is meant",
                "line 2: mqtt.username: the value ends in 1 space and 1 tab, invisible in an editor but kept by a "
                        + "properties file (a topic or password would carry them); delete them, or end the value "
                        + "with '\\ ' if the space is meant",
                "line 3: mqtt.password: the value ends in 1 space, invisible in an editor but kept by a properties "
                        + "file (a topic or password would carry them); delete them, or end the value with '\\ ' if "
                        + "the space is meant"), file.problems());
    }

    @Test
    void anEscapedSpaceEndsAValueAsPropertiesReadsIt() throws IOException {
        assertEquals("a topic ", assertReadAsPropertiesReads("t = a topic\\ \n").values().get("t"));
        assertEquals("two  ", assertReadAsPropertiesReads("t = two \\ \n").values().get("t"));
    }

    @Test
    void aByteOrderMarkIsSkipped() {
        byte[] body = "board = simulator\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        PropertiesFile file = PropertiesFile.parse(withBom);
        assertEquals(List.of(), file.problems());
        assertEquals(Map.of("board", "simulator"), file.values());
    }

    @Test
    void aKeyGivenTwiceNamesBothLines() {
        PropertiesFile file = parse("a = 1\nb = 2\na = 3\n");
        assertEquals(List.of("line 3: a: also set on line 1; a properties file keeps only the last, so delete one "
                + "of them"), file.problems());
    }

    @Test
    void aBackslashThatPropertiesWouldDropIsReported() {
        PropertiesFile file = parse("queue.path = C:\\data\n");
        assertEquals(List.of("line 1: queue.path: '\\d' is no escape, so the backslash would be dropped; write \\\\ "
                + "for a backslash"), file.problems());
    }

    @Test
    void aPasswordIsNeverRepeatedInAReport() {
        PropertiesFile file = parse("mqtt.password = se\\cret # x\n");
        assertEquals(List.of(
                "line 1: mqtt.password: a backslash at column 3 is no escape, so the backslash would be dropped; "
                        + "write \\\\ for a backslash",
                "line 1: mqtt.password: a '#' after a space is not a comment in a properties file but part of the "
                        + "value; put the comment on a line of its own, or write \\# if the # belongs to the value"),
                file.problems());
        for (String problem : file.problems()) {
            assertFalse(problem.contains("se") && problem.contains("cret"), problem);
        }
    }

    @Test
    void aBadUnicodeEscapeNamesItsLine() {
        PropertiesFile file = parse("a = 1\nha.name = Caf\\u00g9\n");
        assertEquals(List.of("line 2: ha.name: '\\u00g9' is not a \\uXXXX escape (four hex digits); write \\\\u for a "
                + "backslash and a u"), file.problems());
    }

    @Test
    void bytesThatAreNotUtf8NameTheirLineAndColumn() throws IOException {
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.write("board = simulator\nha.device-name = Caf".getBytes(StandardCharsets.US_ASCII));
        latin1.write(0xE9); // é in ISO-8859-1
        latin1.write("\n".getBytes(StandardCharsets.US_ASCII));
        PropertiesFile file = PropertiesFile.parse(latin1.toByteArray());
        assertEquals(List.of("line 2: byte 0xE9 at column 21 is not UTF-8; save the file as UTF-8 (e.g. iconv -f "
                + "latin1 -t utf-8)"), file.problems());
    }
}
