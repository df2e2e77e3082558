package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectReturnCodeTest {

    @Test
    void everyCodeIsExplainedInWords() {
        assertEquals("accepted (0)", ConnectReturnCode.describe(0));
        assertEquals("refused: unacceptable protocol version (1)", ConnectReturnCode.describe(1));
        assertEquals("refused: identifier rejected (2)", ConnectReturnCode.describe(2));
        assertEquals("refused: server unavailable (3)", ConnectReturnCode.describe(3));
        assertEquals("refused: bad user name or password (4)", ConnectReturnCode.describe(4));
        assertEquals("refused: not authorized (5)", ConnectReturnCode.describe(5));
        assertEquals("refused: unknown return code (9)", ConnectReturnCode.describe(9));
    }

    @Test
    void onlyServerUnavailableIsTransient() {
        for (int code = 0; code <= 5; code++) {
            if (code == ConnectReturnCode.SERVER_UNAVAILABLE) {
                assertTrue(ConnectReturnCode.isTransient(code));
            } else {
                assertFalse(ConnectReturnCode.isTransient(code), "code " + code);
            }
        }
    }
}
