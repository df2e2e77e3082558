package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The control lane: one slot per topic, latest state wins, oldest first, freed only by its own confirmation. */
class ControlLaneTest {
    private final ControlLane lane = new ControlLane(3, 64);

    private boolean offer(String topic, String payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return lane.offer(t, 0, t.length, p, 0, p.length, true);
    }

    private static String text(byte[] b, int length) {
        return new String(b, 0, length, StandardCharsets.UTF_8);
    }

    @Test
    void aNewerMessageForTheSameTopicReplacesTheOlderInsteadOfGrowing() {
        assertTrue(offer("pi/relay/state", "ON"));
        assertTrue(offer("pi/relay/state", "OFF"));
        assertEquals(1, lane.size());
        int slot = lane.nextPending();
        assertEquals("OFF", text(lane.payload(slot), lane.payloadLength(slot)));
        assertEquals(1, lane.replaced());
    }

    @Test
    void pendingMessagesGoOutOldestFirst() {
        offer("a", "1");
        offer("b", "2");
        offer("c", "3");
        StringBuilder order = new StringBuilder();
        for (int slot = lane.nextPending(); slot >= 0; slot = lane.nextPending()) {
            order.append(text(lane.topic(slot), lane.topicLength(slot)));
            lane.sent(slot);
        }
        assertEquals("abc", order.toString());
    }

    @Test
    void aConfirmationOfAnOlderVersionKeepsTheNewerOne() {
        offer("pi/relay/state", "ON");
        int slot = lane.nextPending();
        int sentVersion = lane.version(slot);
        lane.sent(slot);
        offer("pi/relay/state", "OFF"); // changed while ON was in flight
        lane.confirmed(slot, sentVersion);
        assertEquals(slot, lane.nextPending(), "OFF still goes out");
        lane.sent(slot);
        lane.confirmed(slot, lane.version(slot));
        assertTrue(lane.isEmpty());
    }

    @Test
    void aLostLinkMakesInFlightMessagesPendingAgain() {
        offer("a", "1");
        int slot = lane.nextPending();
        lane.sent(slot);
        assertEquals(-1, lane.nextPending());
        lane.rewind();
        assertEquals(slot, lane.nextPending());
    }

    @Test
    void aFullLaneRefusesANewTopicAndOversizedMessages() {
        assertTrue(offer("a", "1"));
        assertTrue(offer("b", "1"));
        assertTrue(offer("c", "1"));
        assertFalse(offer("d", "1"));
        assertTrue(offer("a", "2"), "a known topic still fits");
        assertFalse(offer("e", "x".repeat(64)));
    }

    @Test
    void offeringAndSendingAllocateNothing() {
        byte[] t = "pi/relay/state".getBytes(StandardCharsets.UTF_8);
        byte[] on = "ON".getBytes(StandardCharsets.UTF_8);
        long bytes = AllocationMeter.steadyStateBytes(10_000, () -> {
            lane.offer(t, 0, t.length, on, 0, on.length, true);
            int slot = lane.nextPending();
            lane.sent(slot);
            lane.confirmed(slot, lane.version(slot));
        });
        assertEquals(0, bytes);
    }
}
