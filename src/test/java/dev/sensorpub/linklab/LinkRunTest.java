package dev.sensorpub.linklab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the runner reads from the agent's log. */
class LinkRunTest {
    @Test
    void theReadingsTakenAreTheAgentsLastCountAndUnknownWithoutOne() {
        assertEquals(1_058, LinkRun.produced("""
                2026-12-02T00:50:01.000Z INFO  agent  sensor beat: 1008 readings, 0 errors
                2026-12-02T00:53:58.157Z INFO  agent  sensor beat: 1058 readings, 0 errors
                """));
        assertEquals(-1, LinkRun.produced("2026-12-02T00:52:29.357Z INFO  mqtt   connected to 127.0.0.1:1883\n"));
    }
}
