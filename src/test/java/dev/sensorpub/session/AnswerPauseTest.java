package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pause with a full window: once per refill, as long as gathering the whole window takes. */
class AnswerPauseTest {
    @Test
    void aWindowThatStaysFullWithNothingSentIsNotPolled() {
        AnswerPause pause = new AnswerPause(32);
        assertEquals(AnswerPause.START_NANOS, pause.next(100, false));
        assertEquals(0, pause.next(100, false), "nothing went out since the last pause: wait on the socket");
        assertEquals(0, pause.next(100, false));
        assertTrue(pause.next(130, false) > 0, "a refill went out: pause again");
    }

    @Test
    void itGrowsAfterAnyPauseThatMissedAnswersAndShrinksAfterOneThatGatheredThemAll() {
        AnswerPause pause = new AnswerPause(32);
        long published = 0;
        pause.next(published, false);
        long before = pause.currentNanos();
        pause.next(published += 30, false); // two answers missing: they cost a round of their own
        assertEquals(before + before / 8, pause.currentNanos(), "answers were missing: longer");
        before = pause.currentNanos();
        pause.next(published += 32, false);
        assertEquals(before - before / 32, pause.currentNanos(), "the whole window: try a little shorter");
    }

    @Test
    void aWholeWindowIsOneLessWhenTheRefillKeptItsLastMessageBack() {
        AnswerPause pause = new AnswerPause(32);
        long published = 0;
        pause.next(published, true);
        long before = pause.currentNanos();
        pause.next(published += 31, true); // the one kept back went out as the pause ended, unanswered
        assertEquals(before - before / 32, pause.currentNanos(), "31 of 31 answerable: all gathered");
        before = pause.currentNanos();
        pause.next(published += 31, false);
        assertEquals(before - before / 32, pause.currentNanos());
        before = pause.currentNanos();
        pause.next(published += 31, false); // nothing was kept back before this pause: 32 answerable
        assertEquals(before + before / 8, pause.currentNanos(), "31 of 32: one missing");
    }

    @Test
    void itStaysWithinItsBounds() {
        AnswerPause thin = new AnswerPause(32);
        long published = 0;
        for (int i = 0; i < 100; i++) {
            thin.next(published += 1, false); // a thin link: one answer per pause
        }
        assertEquals(AnswerPause.MAX_NANOS, thin.currentNanos());
        AnswerPause fast = new AnswerPause(32);
        published = 0;
        for (int i = 0; i < 200; i++) {
            fast.next(published += 32, false);
        }
        assertEquals(AnswerPause.MIN_NANOS, fast.currentNanos());
    }
}
