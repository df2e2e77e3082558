package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LevelTest {
    @Test
    void parsesEachLevelInAnyCase() {
        assertEquals(Level.DEBUG, Level.parse("debug"));
        assertEquals(Level.INFO, Level.parse(" Info "));
        assertEquals(Level.WARN, Level.parse("WARN"));
        assertEquals(Level.ERROR, Level.parse("error"));
    }

    @Test
    void anUnknownLevelIsRejectedNamingValueAndChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Level.parse("verbose"));
        assertEquals("unknown log level 'verbose' (expected debug, info, warn or error)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Level.parse(null));
    }
}
