package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The stop's lines count their messages in words a person would write. */
class ShutdownLinesTest {
    @Test
    void oneMessageIsSingular() {
        assertEquals("stopping: 1 message queued", Agent.stoppingLine(1));
        assertEquals("stopped; 1 message left in the queue (lost: memory queue)", Agent.stoppedLine(1, false));
    }

    @Test
    void noneAndManyArePlural() {
        assertEquals("stopping: 0 messages queued", Agent.stoppingLine(0));
        assertEquals("stopped; 10 messages left in the queue", Agent.stoppedLine(10, true));
    }
}
