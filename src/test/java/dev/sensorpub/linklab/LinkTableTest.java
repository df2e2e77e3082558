package dev.sensorpub.linklab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.LinkShape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict of a link-lab run, and its row in the table. */
class LinkTableTest {
    private static final LinkScenario OUTAGE = new LinkScenario(LinkShape.sharedMedium(16), 0, 20_000, 60_000,
            150_000, 10_000);
    private static final LinkScenario NO_OUTAGE = new LinkScenario(LinkShape.fullDuplex(8).withLoss(5), 2, 20_000, 0,
            0, 80_000);

    @Test
    void aRunHoldsWithNothingLostOneReconnectAWindowOfDuplicatesAndAFullUplink() {
        // 20 readings (2 s) may still be on their way when the agent stops.
        LinkResult r = new LinkResult(OUTAGE, 1_000, 0, 20, 32, 0, 2, 800, 5_000, 6_000, 0.85, "");
        assertTrue(r.deliveryHolds());
        assertTrue(r.drainHolds());
        assertEquals("yes", LinkTable.verdict(r));
    }

    @Test
    void eachBrokenPromiseIsNamed() {
        LinkResult r = new LinkResult(OUTAGE, 3_794, 12, 3_643, 8_637, 3, 7, 600, 5_000, -1, 0.30, "");
        assertEquals("no: lost, behind, connects, duplicates, order, catch-up, uplink use", LinkTable.verdict(r));
        LinkResult stuck = new LinkResult(OUTAGE, 3_794, 0, 0, 0, 0, 2, 600, -1, -1, 0.10, "backlog not in");
        assertEquals("no: drain", LinkTable.verdict(stuck));
        LinkResult silent = new LinkResult(NO_OUTAGE, -1, -1, -1, 0, 0, 1, 0, -1, -1, Double.NaN, "agent said nothing");
        assertEquals("no: lost", LinkTable.verdict(silent));
    }

    @Test
    void anAgentThatFellBehindTheLinkDoesNotHoldEvenWithoutGaps() {
        LinkResult r = new LinkResult(NO_OUTAGE, 800, 0, 21, 0, 0, 1, 0, -1, -1, Double.NaN, "");
        assertEquals("no: behind", LinkTable.verdict(r));
    }

    @Test
    void withoutAnOutageNoDuplicateIsAllowedAndNoDrainIsJudged() {
        LinkResult r = new LinkResult(NO_OUTAGE, 800, 0, 0, 1, 0, 1, 0, -1, -1, Double.NaN, "");
        assertEquals("no: duplicates", LinkTable.verdict(r));
        assertTrue(r.drainHolds());
    }

    @Test
    void anAgentThatDrainedButNeverCaughtUpWithItsLiveReadingsDoesNotHold() {
        LinkResult r = new LinkResult(OUTAGE, 1_000, 0, 0, 0, 0, 2, 800, 5_000, -1, 0.85, "not caught up");
        assertFalse(r.deliveryHolds());
        assertEquals("no: catch-up", LinkTable.verdict(r));
        assertTrue(r.summary().contains("not caught up"), r.summary());
    }

    @Test
    void aUseJustUnderTheTargetDoesNotReadAsTheTarget() {
        LinkResult r = new LinkResult(OUTAGE, 1_000, 0, 0, 0, 0, 2, 800, 5_000, 5_000, 0.7995, "");
        assertEquals("no: uplink use", LinkTable.verdict(r));
        assertTrue(LinkTable.markdown(List.of(r)).contains("| 5.0 s | 5.0 s | 79% | no: uplink use |"),
                LinkTable.markdown(List.of(r)));
        assertTrue(r.summary().contains("uplink use 79%"), r.summary());
    }

    @Test
    void theTableHasARowPerRunAndCountsWhatHeld() {
        String table = LinkTable.markdown(List.of(
                new LinkResult(OUTAGE, 1_000, 0, 3, 0, 0, 2, 800, 4_240, 37_460, 0.91, ""),
                new LinkResult(NO_OUTAGE, 800, 0, 0, 0, 0, 3, 0, -1, -1, Double.NaN, "")));
        assertTrue(table.contains("| 16 kbit/s shared | 0% | 0 | 60 s | 1000 | 0 | 3 | 2 (2) | 0 (128) | yes | 800 | 4.2 s "
                + "| 37.5 s | 91% | yes |"), table);
        assertTrue(table.contains("| 8 kbit/s full | 5% | 2 | - | 800 | 0 | 0 | 3 (1) | 0 (0) | yes | - | - | - "
                + "| - | no: connects |"), table);
        assertTrue(table.contains("in 1 of 2 runs; the drain uses >= 80% of the uplink in 1 of 1 runs"), table);
    }
}
