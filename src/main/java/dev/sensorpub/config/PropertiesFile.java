package dev.sensorpub.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Java properties file read the way {@link java.util.Properties} reads it, but keeping the
 * line of every key and reporting the traps that format sets for people who know INI or shell
 * files, each as "line N: key: what happened; the fix":
 * <ul>
 *   <li>a trailing {@code # comment} is part of the value (reported; the value before it is used);
 *   <li>a backslash before an ordinary letter is silently dropped ({@code C:\data} reads as
 *       {@code C:data}); a bad {@code \}{@code u} escape;
 *   <li>a key given twice (the last one wins, as in Properties, and both lines are named);
 *   <li>blanks at the end of a value, which Properties keeps and no editor shows (reported);
 *   <li>a UTF-8 byte-order mark (skipped: Notepad writes one) and bytes that are not UTF-8.
 * </ul>
 * No part of a value that may hold a secret is ever repeated in a report: a password key, also
 * misspelt or in another case, and the broker URL (whose user info may hold one).
 */
final class PropertiesFile {
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Integer> lines = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private PropertiesFile() {
    }

    /** The key/value pairs of {@code bytes}; {@link #problems()} says what was wrong with them. */
    static PropertiesFile parse(byte[] bytes) {
        PropertiesFile file = new PropertiesFile();
        String text = file.decode(bytes);
        if (text != null) {
            file.parseText(text);
        }
        return file;
    }

    Map<String, String> values() {
        return values;
    }

    /** The line each key was (last) set on, from 1. */
    Map<String, Integer> lines() {
        return lines;
    }

    List<String> problems() {
        return problems;
    }

    private String decode(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes, start);
            int line = 1;
            int column = 1;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    column = 1;
                } else if ((bytes[i] & 0xC0) != 0x80) {
                    column++;
                }
            }
            problems.add("line " + line + ": byte 0x" + Integer.toHexString(bytes[bad] & 0xFF).toUpperCase()
                    + " at column " + column + " is not UTF-8; save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
            return null;
        }
    }

    /** Where the first byte that breaks UTF-8 is; the decoder said there is one. */
    private static int firstInvalidUtf8(byte[] b, int from) {
        int i = from;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            int extra = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            if (extra < 0) {
                return i;
            }
            for (int k = 1; k <= extra; k++) {
                if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += extra + 1;
        }
        return Math.max(from, b.length - 1);
    }

    private void parseText(String text) {
        String[] natural = text.split("\r\n|\r|\n", -1);
        int i = 0;
        while (i < natural.length) {
            int first = i;
            String line = stripLeading(natural[i]);
            i++;
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!') {
                continue;
            }
            StringBuilder logical = new StringBuilder();
            int commentLike = 0; // the first continuation line that reads as a comment, from 1
            while (endsWithOddBackslashes(line) && i < natural.length) {
                logical.append(line, 0, line.length() - 1);
                line = stripLeading(natural[i]);
                i++;
                if (commentLike == 0 && !line.isEmpty() && (line.charAt(0) == '#' || line.charAt(0) == '!')) {
                    commentLike = i;
                }
            }
            if (endsWithOddBackslashes(line)) {
                line = line.substring(0, line.length() - 1); // a continuation at the end of the file
            }
            logical.append(line);
            String key = entry(logical.toString(), first + 1);
            if (commentLike > 0) {
                problems.add("line " + (first + 1) + ": " + key + ": line " + commentLike + " continues the value "
                        + "(line " + (commentLike - 1) + " ends in '\\') but looks like a comment; remove the '\\' "
                        + "at the end of line " + (commentLike - 1)
                        + ", or write \\\\ if the value ends in a backslash");
            }
        }
    }

    /** Records one logical line; returns its key. */
    private String entry(String line, int number) {
        int n = line.length();
        int keyEnd = 0;
        while (keyEnd < n) {
            char c = line.charAt(keyEnd);
            if (c == '\\') {
                keyEnd += 2;
                continue;
            }
            if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
                break;
            }
            keyEnd++;
        }
        keyEnd = Math.min(keyEnd, n);
        int valueStart = keyEnd;
        while (valueStart < n && isBlank(line.charAt(valueStart))) {
            valueStart++;
        }
        if (valueStart < n && (line.charAt(valueStart) == '=' || line.charAt(valueStart) == ':')) {
            valueStart++;
            while (valueStart < n && isBlank(line.charAt(valueStart))) {
                valueStart++;
            }
        }
        String key = unescape(line.substring(0, keyEnd), null, number, false);
        // "key = # note" is a comment in INI files; here it would be the whole value
        boolean blankBefore = valueStart > keyEnd && isBlank(line.charAt(valueStart - 1));
        String value = unescape(line.substring(valueStart), key, number, blankBefore);
        Integer previous = lines.put(key, number);
        if (previous != null) {
            problems.add("line " + number + ": " + key + ": also set on line " + previous
                    + "; a properties file keeps only the last, so delete one of them");
        }
        values.put(key, value);
        return key;
    }

    /**
     * Resolves escapes the way Properties does, reporting the ones that lose a character, and
     * cuts a trailing comment (reported). {@code key} is null while reading the key itself.
     */
    private String unescape(String raw, String key, int number, boolean blankBefore) {
        String who = "line " + number + ": " + (key == null ? "" : key + ": ");
        boolean secret = key != null && maySecret(key);
        StringBuilder out = new StringBuilder(raw.length());
        int keep = 0; // out's length up to its last character that is not an unescaped blank
        boolean commentCut = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '#' && key != null && (i > 0 ? isBlank(raw.charAt(i - 1)) : blankBefore)) {
                problems.add(who + (secret ? "a '#' after a space" : "'" + raw.substring(i) + "'")
                        + " is not a comment in a properties file but part of the value; put the comment on a line "
                        + "of its own, or write \\# if the # belongs to the value");
                commentCut = true;
                break;
            }
            if (isInvisible(c)) {
                problems.add(who + "holds an invisible U+" + String.format("%04X", (int) c) + " at column " + (i + 1)
                        + " of the " + (key == null ? "key" : "value")
                        + " (pasted from a web page?); delete it, or write "
                        + String.format("\\u%04x", (int) c) + " if it belongs there");
            }
            if (c != '\\') {
                out.append(c);
                if (!isBlank(c)) {
                    keep = out.length();
                }
                continue;
            }
            if (i + 1 >= raw.length()) {
                break;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    String hex = raw.substring(i + 1, Math.min(raw.length(), i + 5));
                    if (hex.length() == 4 && hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        out.append((char) Integer.parseInt(hex, 16));
                        i += 4;
                    } else {
                        problems.add(who + (secret ? "a \\u at column " + (i) : "'\\u" + hex + "'")
                                + " is not a \\uXXXX escape (four hex digits); write \\\\u for a backslash and a u");
                        out.append('\\').append('u');
                    }
                }
                case '\\', '=', ':', '#', '!', ' ' -> out.append(e);
                default -> {
                    problems.add(who + (secret ? "a backslash at column " + i : "'\\" + e + "'")
                            + " is no escape, so the backslash would be dropped; write \\\\ for a backslash");
                    out.append('\\').append(e);
                }
            }
            keep = out.length();
        }
        if (key != null && !commentCut && keep < out.length()) {
            problems.add(who + "the value ends in " + blanks(out, keep) + ", invisible in an editor but kept by a "
                    + "properties file (a topic or password would carry them); delete them, or end the value with "
                    + "'\\ ' if the space is meant");
        }
        out.setLength(keep);
        return out.toString();
    }

    /** "1 space", "2 spaces and 1 tab": what trails {@code text} from {@code from} on (a form feed counts as a tab). */
    private static String blanks(CharSequence text, int from) {
        int spaces = 0;
        for (int i = from; i < text.length(); i++) {
            spaces += text.charAt(i) == ' ' ? 1 : 0;
        }
        int tabs = text.length() - from - spaces;
        String s = spaces == 0 ? "" : spaces + (spaces == 1 ? " space" : " spaces");
        String t = tabs == 0 ? "" : tabs + (tabs == 1 ? " tab" : " tabs");
        return s.isEmpty() ? t : t.isEmpty() ? s : s + " and " + t;
    }

    /** A password key, also misspelt ("pasword", "passwd", "pw"), or a URL that may carry user info. */
    private static boolean maySecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("pas") || k.contains("pw") || k.contains("secret") || k.startsWith("mqtt.server");
    }

    /** Spaces and marks that look like nothing or like an ASCII space, so no one sees them in an editor. */
    private static boolean isInvisible(char c) {
        return c == '\u00a0' || (c >= '\u2000' && c <= '\u200f') || c == '\u2028' || c == '\u2029'
                || c == '\u202f' || c == '\u205f' || c == '\u2060' || c == '\u3000' || c == '\ufeff';
    }

    private static boolean endsWithOddBackslashes(String line) {
        int count = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f';
    }
}
