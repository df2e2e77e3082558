package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InflightTableTest {

    @Test
    void packetIdsAreTakenAtSendTimeAndNeverRunOutHoweverManyMessagesPass() {
        InflightTable t = new InflightTable(32);
        // 1,000,000 messages through a window of 32: ids wrap around 65535 many times.
        for (int i = 1; i <= 1_000_000; i++) {
            int id = t.add(i, 1, 0, 1);
            assertTrue(id >= 1 && id <= 65_535);
            if (t.size() == 32) {
                t.remove(t.slotOfPacketId(id - 31 < 1 ? id - 31 + 65_535 : id - 31));
            }
        }
        assertEquals(31, t.size());
    }

    @Test
    void anIdStillInUseIsNeverHandedOutAgain() {
        InflightTable t = new InflightTable(4);
        int stuck = t.add(1, 1, 0, 1);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            int id = t.add(2 + i, 2, 0, 1);
            assertNotEquals(stuck, id);
            seen.add(id);
            t.remove(t.slotOfPacketId(id));
        }
        assertEquals(65_534, seen.size(), "every other id was used");
    }

    @Test
    void qos2MessagesAreCountedUntilTheirPubcomp() {
        InflightTable t = new InflightTable(8);
        int a = t.add(1, 2, 0, 1);
        t.add(2, 1, 0, 1);
        assertEquals(1, t.qos2Size());
        t.setState(t.slotOfPacketId(a), InflightTable.AWAITING_PUBCOMP);
        assertEquals(1, t.qos2Size());
        t.remove(t.slotOfPacketId(a));
        assertEquals(0, t.qos2Size());
    }

    @Test
    void theWindowIsAHardLimit() {
        InflightTable t = new InflightTable(2);
        t.add(1, 1, 0, 1);
        t.add(2, 2, 0, 1);
        assertFalse(t.hasRoom());
        assertThrows(IllegalStateException.class, () -> t.add(3, 1, 0, 1));
    }

    @Test
    void theStatusHasOneSlotBeyondAFullWindowAndNoMore() {
        InflightTable t = new InflightTable(2);
        t.add(1, 1, 0, 1);
        t.add(2, 1, 0, 1);
        assertTrue(t.hasRoomForStatus());
        int status = t.addStatus(0, 1);
        assertEquals(InflightTable.AWAITING_PUBACK, t.state(t.slotOfPacketId(status)));
        assertFalse(t.hasRoomForStatus());
        assertThrows(IllegalStateException.class, () -> t.addStatus(0, 1));
        t.remove(t.slotOfPacketId(status));
        assertFalse(t.hasRoom(), "the kept slot is never the window's");
    }

    @Test
    void entriesAreFoundByPacketIdAndBySequenceAndStartInTheRightState() {
        InflightTable t = new InflightTable(8);
        int a = t.add(10, 1, 5, 1);
        int b = t.add(11, 2, 6, 1);
        assertEquals(InflightTable.AWAITING_PUBACK, t.state(t.slotOfPacketId(a)));
        assertEquals(InflightTable.AWAITING_PUBREC, t.state(t.slotOfPacketId(b)));
        assertEquals(b, t.packetId(t.slotOfSequence(11)));
        assertEquals(6, t.proofMark(t.slotOfSequence(11)));
        assertEquals(-1, t.slotOfSequence(12));
        assertEquals(-1, t.slotOfPacketId(0));
    }

    @Test
    void aReservedIdHoldsNoSlotButIsNotReused() {
        InflightTable t = new InflightTable(1);
        int reserved = t.reservePacketId();
        assertEquals(-1, t.slotOfPacketId(reserved));
        assertTrue(t.hasRoom());
        int id = t.add(1, 1, 0, 1);
        assertNotEquals(reserved, id);
        t.releasePacketId(reserved);
        t.remove(t.slotOfPacketId(id));
        assertEquals(0, t.size());
    }

    @Test
    void anEntryRemembersTheLinkItWasLastSentOn() {
        InflightTable t = new InflightTable(8);
        int id = t.add(5, 1, 0, 1);
        int slot = t.slotOfPacketId(id);
        assertEquals(1, t.sentOnLink(slot));
        t.resent(slot, 7, 2);
        assertEquals(2, t.sentOnLink(slot));
        assertEquals(7, t.proofMark(slot));
        assertTrue(t.inUse(slot));
        t.remove(slot);
        assertFalse(t.inUse(slot));
    }

    @Test
    void onlyQos2MessagesWrittenOnTheCurrentLinkCountAgainstTheBrokersLimit() {
        InflightTable t = new InflightTable(8);
        t.linkUp(1);
        int a = t.add(1, 2, 0, 1);
        int b = t.add(2, 2, 0, 1);
        t.add(3, 1, 0, 1);
        assertEquals(2, t.awaitingPubrecOnLink());
        t.linkUp(2);
        assertEquals(0, t.awaitingPubrecOnLink(), "the broker counts what reaches it again");
        assertEquals(2, t.qos2Size(), "both are still held, awaiting their PUBREC");
        t.resent(t.slotOfPacketId(a), 0, 2);
        assertEquals(1, t.awaitingPubrecOnLink(), "a DUP resend counts once written");
        t.setState(t.slotOfPacketId(a), InflightTable.AWAITING_PUBCOMP);
        assertEquals(0, t.awaitingPubrecOnLink(), "its PUBREC came");
        t.resent(t.slotOfPacketId(b), 0, 2);
        t.remove(t.slotOfPacketId(b));
        assertEquals(0, t.awaitingPubrecOnLink());
        t.add(4, 2, 0, 2);
        assertEquals(1, t.awaitingPubrecOnLink());
    }
}
