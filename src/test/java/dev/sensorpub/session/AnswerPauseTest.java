package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pause with a full window: once per refill, as long as gathering most of a window takes. */
class AnswerPauseTest {
    @Test
    void aWindowThatStaysFullWithNothingSentIsNotPolled() {
        AnswerPause pause = new AnswerPause(32);
        assertEquals(AnswerPause.START_NANOS, pause.next(100));
        assertEquals(0, pause.next(100), "nothing went out since the last pause: wait on the socket");
        assertEquals(0, pause.next(100));
        assertTrue(pause.next(130) > 0, "a refill went out: pause again");
    }

    @Test
    void itGrowsWhileAPauseGathersLittleAndShrinksWhileItGathersAWholeWindow() {
        AnswerPause pause = new AnswerPause(32);
        long published = 0;
        pause.next(published);
        long before = pause.currentNanos();
        pause.next(published += 8); // a quarter of the window
        assertTrue(pause.currentNanos() > before, "too short to gather much: longer");
        before = pause.currentNanos();
        pause.next(published += 28); // seven eighths: about right
        assertEquals(before, pause.currentNanos());
        pause.next(published += 32);
        assertTrue(pause.currentNanos() < before, "a whole window each time: try shorter");
    }

    @Test
    void itStaysWithinItsBounds() {
        AnswerPause thin = new AnswerPause(32);
        long published = 0;
        for (int i = 0; i < 100; i++) {
            thin.next(published += 1); // a thin link: one answer per pause
        }
        assertEquals(AnswerPause.MAX_NANOS, thin.currentNanos());
        AnswerPause fast = new AnswerPause(32);
        published = 0;
        for (int i = 0; i < 200; i++) {
            fast.next(published += 32);
        }
        assertEquals(AnswerPause.MIN_NANOS, fast.currentNanos());
    }
}
