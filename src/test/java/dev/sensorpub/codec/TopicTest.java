package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void aTopicNameIsEncodedToUtf8Once() {
        Topic t = Topic.name("garage/temp/°C");
        assertArrayEquals("garage/temp/°C".getBytes(StandardCharsets.UTF_8), t.bytes());
        assertEquals(t.bytes().length, t.length());
        assertEquals("garage/temp/°C", t.toString());
    }

    @Test
    void aTopicNameRejectsWildcardsNamingThem() {
        IllegalArgumentException plus = assertThrows(IllegalArgumentException.class, () -> Topic.name("a/+/b"));
        assertTrue(plus.getMessage().contains("wildcard '+'"), plus.getMessage());
        IllegalArgumentException hash = assertThrows(IllegalArgumentException.class, () -> Topic.name("a/#"));
        assertTrue(hash.getMessage().contains("wildcard '#'"), hash.getMessage());
    }

    @Test
    void aTopicRejectsNulEmptyAndUnpairedSurrogates() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Topic.name("a\u0000b"))
                .getMessage().contains("U+0000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Topic.name(""))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Topic.name("a\uD800b"))
                .getMessage().contains("unpaired surrogate"));
    }

    @Test
    void aTopicLongerThan65535BytesIsRejected() {
        String ok = "a".repeat(65_535);
        assertEquals(65_535, Topic.name(ok).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Topic.name(ok + "b"));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
    }

    @Test
    void aFilterAllowsWildcardsOnlyAsWholeLevels() {
        Topic.filter("+");
        Topic.filter("#");
        Topic.filter("a/+/b/#");
        Topic.filter("+/+");
        assertThrows(IllegalArgumentException.class, () -> Topic.filter("a+/b"));
        assertThrows(IllegalArgumentException.class, () -> Topic.filter("a/#/b"));
        assertThrows(IllegalArgumentException.class, () -> Topic.filter("a/b#"));
        assertTrue(Topic.filter("a/#").isFilter());
    }

    @Test
    void namesAndFiltersWithTheSameTextAreDifferentValues() {
        assertEquals(Topic.name("a/b"), Topic.name("a/b"));
        assertTrue(!Topic.name("a/b").equals(Topic.filter("a/b")));
    }
}
