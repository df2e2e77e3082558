package dev.sensorpub.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void startsAtTheFirstServerAndMovesToTheNextOnFailure() {
        Endpoints list = Endpoints.parse("tcp://a:1883, ssl://b:8883 ,tcp://c");
        assertEquals(3, list.size());
        assertEquals("tcp://a:1883", list.current().toString());
        assertFalse(list.advance());
        assertEquals("ssl://b:8883", list.current().toString());
        assertFalse(list.advance());
        assertEquals("tcp://c:1883", list.current().toString());
        assertEquals(2, list.position());
    }

    @Test
    void advanceReportsWhenEveryServerHasFailedOnce() {
        Endpoints list = Endpoints.parse("tcp://a,tcp://b");
        assertFalse(list.advance());
        assertTrue(list.advance(), "wrapped around to the first");
        assertEquals("tcp://a:1883", list.current().toString());
    }

    @Test
    void aSingleServerWrapsOnEveryFailure() {
        Endpoints list = Endpoints.parse("ssl://only");
        assertTrue(list.advance());
        assertEquals("ssl://only:8883", list.current().toString());
    }

    @Test
    void rejectsAnEmptyEntryByPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoints.parse("tcp://a,,tcp://b"));
        assertEquals("broker list has an empty entry at position 2 of 3; remove the extra ','", e.getMessage());
    }

    @Test
    void rejectsADuplicateServer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.parse("tcp://a:1883,tcp://A"));
        assertEquals("broker list names tcp://A:1883 twice (entry 2); list each broker once", e.getMessage());
    }

    @Test
    void passesOnTheErrorOfABadUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoints.parse("tcp://a,b"));
        assertTrue(e.getMessage().startsWith("broker URL 'b' has no scheme"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyList() {
        assertThrows(IllegalArgumentException.class, () -> Endpoints.parse(""));
    }

    @Test
    void printsAsTheCanonicalList() {
        assertEquals("tcp://a:1883,ssl://[::1]:8883", Endpoints.parse("tcp://a, ssl://[::1]").toString());
    }

    @Test
    void aBadEntryNeverRepeatsTheOthers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.parse("tcp://u:s3cret@a, tcp://a, tcp://a"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Endpoints.parse("tcp://a,,tcp://u:s3cret@b"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
