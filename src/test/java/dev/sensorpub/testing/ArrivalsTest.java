package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The counting subscriber's arithmetic: lost, duplicates, order and when a backlog was all in. */
class ArrivalsTest {
    @Test
    void countsDuplicatesAndFirstArrivalsOutOfOrder() {
        Arrivals a = new Arrivals();
        long[] values = {0, 1, 3, 2, 3, 4, 1};
        for (int i = 0; i < values.length; i++) {
            a.record(values[i], i);
        }
        assertEquals(5, a.distinct());
        assertEquals(2, a.duplicates()); // the second 3 and the second 1
        assertEquals(1, a.outOfOrder()); // 2 arrived after 3; repeats are duplicates, not disorder
        assertEquals(5, a.prefix());
    }

    @Test
    void missingCountsOnlyWhatWasProducedAndNeverArrived() {
        Arrivals a = new Arrivals();
        a.record(0, 0);
        a.record(2, 0);
        a.record(7, 0);
        assertEquals(1, a.prefix());
        assertEquals(7, a.highest());
        assertEquals(1, a.missingBelow(3));
        assertEquals(5, a.missingBelow(8));
    }

    @Test
    void theBacklogIsInWhenItsLastGapIsFilledAndThatArrivalIsItsTime() throws Exception {
        Arrivals a = new Arrivals();
        a.record(0, 100);
        a.record(2, 300);
        a.record(1, 500); // fills the gap: 0..2 all in at 500
        a.record(3, 400);
        assertEquals(500, a.awaitPrefix(3, 0));
        assertEquals(-1, a.awaitPrefix(5, 0));
    }

    @Test
    void productionStartIsTheLeastDelayedArrivalLessItsOffset() {
        Arrivals a = new Arrivals();
        assertEquals(Long.MIN_VALUE, a.productionStartNanos(100));
        a.record(0, 1_050);
        a.record(1, 1_120);
        a.record(2, 1_210); // 2 x 100 after a start of 1_010: the fastest
        a.record(3, 1_400);
        assertEquals(1_010, a.productionStartNanos(100));
    }

    @Test
    void aPayloadThatIsNoCountIsReportedNotCounted() {
        Arrivals a = new Arrivals();
        a.recordMalformed("online");
        a.recordMalformed("x");
        a.record(-1, 0);
        assertEquals(0, a.distinct());
        assertEquals(3, a.malformed());
        assertEquals("online", a.firstMalformed());
    }
}
