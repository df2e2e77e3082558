package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Qos0ProofsTest {

    @Test
    void anAnswerProvesEverythingWrittenBeforeTheQuestionAndNothingAfter() {
        Qos0Proofs p = new Qos0Proofs(8, 1_000);
        p.written(100, 10, 0);
        p.written(101, 10, 0);
        long markOfPing = p.writtenCount();
        p.written(102, 10, 0);
        List<Long> proven = new ArrayList<>();
        while (p.hasProvenUpTo(markOfPing)) {
            proven.add(p.takeProven());
        }
        assertEquals(List.of(100L, 101L), proven);
        assertEquals(1, p.unproven());
    }

    @Test
    void anOlderAnswerArrivingLateProvesNothingTwice() {
        Qos0Proofs p = new Qos0Proofs(8, 1_000);
        p.written(1, 10, 0);
        long early = p.writtenCount();
        p.written(2, 10, 0);
        long late = p.writtenCount();
        while (p.hasProvenUpTo(late)) {
            p.takeProven();
        }
        assertFalse(p.hasProvenUpTo(early));
        assertTrue(p.isEmpty());
    }

    @Test
    void unprovenBytesAreBoundedTooAndAskForAProofAtHalf() {
        Qos0Proofs p = new Qos0Proofs(100, 1_000);
        p.written(1, 400, 0);
        assertFalse(p.needsProofSoon());
        p.written(2, 200, 0);
        assertTrue(p.needsProofSoon());
        assertFalse(p.isFull());
        p.written(3, 400, 0);
        assertTrue(p.isFull());
        long mark = p.writtenCount();
        while (p.hasProvenUpTo(mark)) {
            p.takeProven();
        }
        assertFalse(p.isFull());
        assertFalse(p.needsProofSoon());
    }

    @Test
    void theRingBoundsWhatCanBeWrittenUnproven() {
        Qos0Proofs p = new Qos0Proofs(2, 1_000);
        p.written(1, 10, 0);
        p.written(2, 10, 0);
        assertTrue(p.isFull());
        assertThrows(IllegalStateException.class, () -> p.written(3, 10, 0));
        p.clear();
        assertTrue(p.isEmpty());
        p.written(3, 10, 0);
        assertEquals(1, p.unproven());
    }

    /** Writes {@code count} messages of {@code size} bytes at {@code atMillis}; returns the mark after them. */
    private static long write(Qos0Proofs p, int count, int size, long atMillis) {
        for (int i = 0; i < count; i++) {
            p.written(p.writtenCount(), size, atMillis);
        }
        return p.writtenCount();
    }

    @Test
    void aSmallProofThatCrossedFastDoesNotRaiseTheBudget() {
        // An idle 8 kbit/s htb passes its 1.5 KB burst at once: 13 bytes in 3 ms says nothing.
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 1, 13, 0);
        p.prove(mark, 3, 833, s -> { });
        assertEquals(Qos0Proofs.INITIAL_BUDGET_BYTES, p.budgetBytes());
    }

    @Test
    void aLoadedProofRaisesTheBudgetByAtMostHalf() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0); // 600 bytes, more than half the budget, proven in 1 ms
        p.prove(mark, 1, 833, s -> { });
        assertEquals(Qos0Proofs.INITIAL_BUDGET_BYTES * 3 / 2, p.budgetBytes());
    }

    @Test
    void aLoadedProofOnAThinLinkShrinksTheBudgetToWhatCrossesInTheTarget() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { }); // 1.5 KB now
        mark = write(p, 80, 15, 10); // 1,200 bytes crossing 8 kbit/s in 1.5 s
        p.prove(mark, 1_510, 833, s -> { });
        assertEquals(Qos0Proofs.MIN_BUDGET_BYTES, p.budgetBytes());
    }

    @Test
    void aNewLinkStartsSmallAgain() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        for (int round = 0; round < 20; round++) {
            long mark = write(p, 4096 / 2, 64, round);
            p.prove(mark, round + 1, 833, s -> { });
        }
        assertEquals(64 * 1024, p.budgetBytes());
        p.clear();
        assertEquals(Qos0Proofs.INITIAL_BUDGET_BYTES, p.budgetBytes());
    }

    @Test
    void theLinksPaceIsTimedFromTheNewestProvenWriteNotFromASlowSourcesFirst() {
        Qos0Proofs trickle = new Qos0Proofs(4096, 64 * 1024);
        for (int i = 0; i < 35; i++) {
            trickle.written(i, 15, i * 100L); // one reading per 100 ms, 525 bytes: half the budget
        }
        trickle.prove(trickle.writtenCount(), 3_401, 1_000, s -> { });
        assertEquals(1, trickle.answerMillisPerKilobyte(), "answered 1 ms after the last write");
        assertTrue(trickle.budgetBytes() >= Qos0Proofs.MIN_BUDGET_BYTES);

        Qos0Proofs burst = new Qos0Proofs(4096, 64 * 1024);
        for (int i = 0; i < 35; i++) {
            burst.written(i, 15, 0); // the same bytes written at once
        }
        burst.prove(burst.writtenCount(), 210, 1_000, s -> { });
        assertEquals(210 * 1024 / 525, burst.answerMillisPerKilobyte(), "an 8 kbit/s link");
    }

    /** Writes 15-byte readings until the ring says the burst is over; returns its bytes. */
    private static long burst(Qos0Proofs p) {
        long bytes = 0;
        while (!p.isFull()) {
            p.written(p.writtenCount(), 15, 0);
            bytes += 15;
        }
        return bytes;
    }

    @Test
    void aSettledBudgetJustOverOneSegmentSendsOneFullSegmentRatherThanSpillARuntIntoASecond() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { }); // grown by half: 1,536 bytes
        mark = write(p, 96, 15, 10);
        p.prove(mark, 760, 833, s -> { }); // 1,440 bytes in 750 ms: 1,599 bytes, the link's pace
        assertEquals(1_599, p.budgetBytes());
        long bytes = burst(p);
        assertTrue(bytes + 2 <= Qos0Proofs.SEGMENT_BYTES, "the burst and its PINGREQ fit one segment: " + bytes);
        assertTrue(bytes + 2 + 15 > Qos0Proofs.SEGMENT_BYTES, "and fill it: " + bytes);
    }

    @Test
    void whileTheBudgetStillGrowsABurstIsTheWholeBudget() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { }); // 1,536 bytes, where growth stopped it, not the link
        long bytes = burst(p);
        assertTrue(bytes >= 1_536 && bytes < 1_536 + 15, "TCP has not seen the link's round trip yet: " + bytes);
    }

    @Test
    void aNewLinkWritesWholeBudgetsUntilItsBudgetSettlesAgain() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { });
        mark = write(p, 96, 15, 10);
        p.prove(mark, 760, 833, s -> { });
        p.clear();
        mark = write(p, 40, 15, 1_000);
        p.prove(mark, 1_001, 833, s -> { });
        assertTrue(burst(p) >= 1_536, "grown, not settled");
    }

    @Test
    void aSpillOfAQuarterSegmentOrMoreStillGoesOutWithTheBurst() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { });
        mark = write(p, 80, 15, 2);
        p.prove(mark, 3, 833, s -> { }); // 2,304 bytes: one segment and 856 more
        assertEquals(2_304, p.budgetBytes());
        long bytes = burst(p);
        assertTrue(bytes >= 2_304 && bytes < 2_304 + 15, "the whole budget: " + bytes);
    }

    @Test
    void aBudgetBelowOneSegmentIsWrittenWhole() {
        Qos0Proofs p = new Qos0Proofs(4096, 64 * 1024);
        long bytes = burst(p);
        assertTrue(bytes >= Qos0Proofs.INITIAL_BUDGET_BYTES && bytes < Qos0Proofs.INITIAL_BUDGET_BYTES + 15,
                "the whole first budget: " + bytes);
    }

    @Test
    void aBudgetHeldAtItsMaximumHasSettledToo() {
        Qos0Proofs p = new Qos0Proofs(4096, 1_600);
        long mark = write(p, 40, 15, 0);
        p.prove(mark, 1, 833, s -> { }); // 1,536 bytes
        mark = write(p, 103, 15, 2);
        p.prove(mark, 3, 833, s -> { }); // the link carries far more: held at the 1,600 maximum
        assertEquals(1_600, p.budgetBytes());
        long bytes = burst(p);
        assertTrue(bytes + 2 <= Qos0Proofs.SEGMENT_BYTES, "no runt past one full segment: " + bytes);
    }
}
