package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatusLineTest {
    static Vitals healthy() {
        Vitals v = new Vitals(new String[] {"door", "cpu", "env"});
        v.linkUp = true;
        v.queuedMessages = 0;
        v.inFlight = 2;
        v.confirmed = 612;
        return v;
    }

    @Test
    void aHealthyAgentSaysLinkBacklogAndTrafficOnly() {
        assertEquals("status: link up, queued 0, confirmed 612, in flight 2", StatusLine.of(healthy()));
    }

    @Test
    void problemsComeBeforeTrafficAndNameTheFailingSensors() {
        Vitals v = healthy();
        v.linkUp = false;
        v.queuedMessages = 4512;
        v.failingInARow[1] = 3;
        v.failingSensors = 1;
        v.sensorErrors = 3;
        v.droppedOverflow = 2;
        v.rejectedTooLarge = 1;
        v.deadLinks = 1;
        assertEquals("status: link down, queued 4512, failing cpu, dropped 3, dead links 1, ...",
                StatusLine.of(v));
    }

    @Test
    void aFileQueueThatFellBackToMemorySaysSo() {
        Vitals v = healthy();
        v.fileQueue = true;
        v.storageErrors = 1;
        String line = StatusLine.of(v);
        assertTrue(line.startsWith("status: link up, queued 0, storage errors 1 (queue in memory)"), line);
        v.fileQueue = false;
        assertTrue(StatusLine.of(v).contains("storage errors 1, "), StatusLine.of(v));
    }

    @Test
    void manyFailingSensorsAreCountedWhenTheirNamesDoNotFit() {
        Vitals v = new Vitals(new String[] {"garage-door", "kitchen-temperature", "attic-humidity", "cellar", "x"});
        for (int i = 0; i < 5; i++) {
            v.failingInARow[i] = 1;
        }
        v.failingSensors = 5;
        String line = StatusLine.of(v);
        assertTrue(line.contains("failing garage-door,+4"), line);
    }

    @Test
    void neverLongerThanEightyCharactersWhateverTheNumbers() {
        Vitals v = new Vitals(new String[] {"a-very-long-sensor-name-that-goes-on-and-on-and-on-and-on", "b"});
        v.failingInARow[0] = Long.MAX_VALUE;
        v.failingInARow[1] = 1;
        v.failingSensors = 2;
        v.queuedMessages = Long.MAX_VALUE;
        v.droppedOverflow = Long.MAX_VALUE / 2;
        v.expired = Long.MAX_VALUE;
        v.storageErrors = Long.MAX_VALUE;
        v.fileQueue = true;
        v.deadLinks = Long.MAX_VALUE;
        v.reconnects = Long.MAX_VALUE;
        v.sensorErrors = Long.MAX_VALUE;
        v.inFlight = Long.MAX_VALUE;
        v.confirmed = Long.MAX_VALUE;
        String line = StatusLine.of(v);
        assertTrue(line.length() <= StatusLine.MAX_LENGTH, line.length() + ": " + line);
        assertEquals("status: link down, queued 9223372036854775807, failing +2, ...", line);
    }

    @Test
    void everyCombinationOfProblemsFitsInEightyCharacters() {
        long[] values = {0, 7, 123_456_789, Long.MAX_VALUE};
        for (int mask = 0; mask < 1 << 9; mask++) {
            for (long n : values) {
                Vitals v = healthy();
                v.failingSensors = (mask & 1) != 0 ? 3 : 0;
                java.util.Arrays.fill(v.failingInARow, v.failingSensors > 0 ? 1 : 0);
                v.droppedOverflow = (mask & 2) != 0 ? n : 0;
                v.expired = (mask & 4) != 0 ? n : 0;
                v.storageErrors = (mask & 8) != 0 ? n : 0;
                v.fileQueue = (mask & 16) != 0;
                v.deadLinks = (mask & 32) != 0 ? n : 0;
                v.reconnects = (mask & 64) != 0 ? n : 0;
                v.sensorErrors = (mask & 128) != 0 ? n : 0;
                v.corruptSkipped = (mask & 256) != 0 ? n : 0;
                v.confirmed = n;
                v.queuedMessages = n;
                String line = StatusLine.of(v);
                assertTrue(line.length() <= StatusLine.MAX_LENGTH, line.length() + ": " + line);
                assertTrue(line.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), line);
            }
        }
    }
}
