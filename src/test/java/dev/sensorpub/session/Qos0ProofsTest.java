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
}
