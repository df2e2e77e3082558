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
        Qos0Proofs p = new Qos0Proofs(8);
        p.written(100);
        p.written(101);
        long markOfPing = p.writtenCount();
        p.written(102);
        List<Long> proven = new ArrayList<>();
        while (p.hasProvenUpTo(markOfPing)) {
            proven.add(p.takeProven());
        }
        assertEquals(List.of(100L, 101L), proven);
        assertEquals(1, p.unproven());
    }

    @Test
    void anOlderAnswerArrivingLateProvesNothingTwice() {
        Qos0Proofs p = new Qos0Proofs(8);
        p.written(1);
        long early = p.writtenCount();
        p.written(2);
        long late = p.writtenCount();
        while (p.hasProvenUpTo(late)) {
            p.takeProven();
        }
        assertFalse(p.hasProvenUpTo(early));
        assertTrue(p.isEmpty());
    }

    @Test
    void theRingBoundsWhatCanBeWrittenUnproven() {
        Qos0Proofs p = new Qos0Proofs(2);
        p.written(1);
        p.written(2);
        assertTrue(p.isFull());
        assertThrows(IllegalStateException.class, () -> p.written(3));
        p.clear();
        assertTrue(p.isEmpty());
        p.written(3);
        assertEquals(1, p.unproven());
    }
}
