package dev.sensorpub.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.InboundPublish;
import org.junit.jupiter.api.Test;

class HomeAssistantStatusTest {
    private final HomeAssistantStatus status = new HomeAssistantStatus("homeassistant", 10_000);

    @Test
    void subscribesToThePrefixesStatusTopic() {
        assertEquals("homeassistant/status", status.subscription().toString());
        assertTrue(status.subscription().isFilter());
        assertEquals("site/ha/status", new HomeAssistantStatus("site/ha", 0).subscription().toString());
    }

    @Test
    void onlineOnTheStatusTopicMakesAnAnnouncementDueOnce() {
        status.announced(0);
        assertTrue(status.onMessage(InboundPublish.of("homeassistant/status", "online")));
        assertTrue(status.announcementDue(20_000));
        assertFalse(status.announcementDue(20_001), "once per birth");
        assertEquals(1, status.births());
    }

    @Test
    void offlineAndOtherTopicsAnnounceNothing() {
        assertTrue(status.onMessage(InboundPublish.of("homeassistant/status", "offline")), "handled, but no birth");
        assertTrue(status.onMessage(InboundPublish.of("homeassistant/status", "onlinex")));
        assertFalse(status.onMessage(InboundPublish.of("homeassistant/statusx", "online")));
        assertFalse(status.onMessage(InboundPublish.of("garage/door", "online")));
        assertFalse(status.announcementDue(1_000_000));
        assertEquals(Long.MAX_VALUE, status.nextDeadlineMillis());
    }

    @Test
    void birthsInsideTheGapAreServedWhenItEndsNeverLost() {
        status.announced(1_000);
        status.onMessage(InboundPublish.of("homeassistant/status", "online"));
        status.onMessage(InboundPublish.of("homeassistant/status", "online"));
        assertFalse(status.announcementDue(5_000), "the start announcement was 4 s ago");
        assertEquals(11_000, status.nextDeadlineMillis());
        assertTrue(status.announcementDue(11_000));
        assertFalse(status.announcementDue(30_000), "two births inside one gap: one announcement");
    }

    @Test
    void aBirthBeforeAnyAnnouncementIsDueAtOnce() {
        status.onMessage(InboundPublish.of("homeassistant/status", "online"));
        assertTrue(status.announcementDue(5));
    }

    @Test
    void handlingStatusMessagesAllocatesNothing() {
        IncomingPacket online = InboundPublish.of("homeassistant/status", "online");
        IncomingPacket other = InboundPublish.of("garage/door", "ON");
        long[] now = {0};
        long bytes = AllocationMeter.steadyStateBytes(20_000, () -> {
            status.onMessage(other);
            status.onMessage(online);
            status.announcementDue(now[0] += 1_000);
            status.nextDeadlineMillis();
        });
        assertEquals(0, bytes);
    }
}
