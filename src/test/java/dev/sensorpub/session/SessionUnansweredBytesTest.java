package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QoS 1 and 2 bytes awaiting an answer are paced by the link, not only counted in slots: a large
 * window fills on a link whose answers keep up, while a thin link, and every new connection, gets
 * no more unanswered bytes than cross before an answer is due, refilled in bursts of half of them.
 */
class SessionUnansweredBytesTest {
    private static final int WINDOW = 128;
    /** A PUBLISH of "pi/t" at QoS 1 with a 22-byte payload: 2 + 2 + 4 + 2 + 22 bytes. */
    private static final int READING_BYTES = 32;
    private static final String PAYLOAD = "0123456789012345678901";
    private static final int FIRST_BUDGET_READINGS = (int) (UnansweredPublishes.INITIAL_BUDGET_BYTES / READING_BYTES);

    private final ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
            .keepAliveSeconds(5).inflightWindow(WINDOW));

    private void backlog(int readings) {
        for (int i = 0; i < readings; i++) {
            s.append("pi/t", PAYLOAD, 1);
        }
    }

    /** The broker answers the PUBLISH packets from the {@code from}th to the {@code to}th written on this connection. */
    private void answer(int from, int to) {
        s.socket.deliver(SessionWindowTest.acks(4, SessionWindowTest.publishIds(s).subList(from, to)));
    }

    /** Rounds of "answer all 1 ms later" until every slot is in flight; returns the rounds taken. */
    private int answerPromptlyUntilTheWindowIsFull() {
        int answered = 0;
        for (int round = 1; round <= 20; round++) {
            int written = SessionWindowTest.publishIds(s).size();
            answer(answered, written);
            answered = written;
            s.step(1);
            s.step(0); // a message kept back for the answers' pause goes out
            if (s.session.inflightCount() == WINDOW) {
                return round;
            }
        }
        return -1;
    }

    private void connectAndGrowToTheWholeWindow(int readings) {
        s.connect(ScriptedSession.CONNACK);
        backlog(readings);
        s.step(1);
        assertTrue(answerPromptlyUntilTheWindowIsFull() > 0, "grown to the whole window");
    }

    @Test
    void aBacklogStartsWithNoMoreUnansweredBytesThanTheFirstBudgetWhateverTheWindow() {
        s.connect(ScriptedSession.CONNACK);
        backlog(300);
        s.step(1);
        s.step(0);
        assertEquals(FIRST_BUDGET_READINGS, SessionWindowTest.publishIds(s).size(),
                "1 KB of readings, not the window's " + WINDOW);
        assertEquals(FIRST_BUDGET_READINGS, s.session.inflightCount());
    }

    @Test
    void aFullBudgetIsRefilledOnlyOnceHalfOfItIsAnsweredAndThenAsOneBurst() {
        s.connect(ScriptedSession.CONNACK);
        backlog(300);
        s.step(1);
        answer(0, FIRST_BUDGET_READINGS / 2 - 1);
        s.step(1);
        s.step(0);
        assertEquals(FIRST_BUDGET_READINGS, SessionWindowTest.publishIds(s).size(),
                "nothing new while more than half the budget awaits an answer");

        // The answer to the first PUBLISH written with half the budget unanswered times the link:
        // 512 bytes in 2 ms is fast, so the budget grows by half, to 1.5 KB.
        answer(FIRST_BUDGET_READINGS / 2 - 1, FIRST_BUDGET_READINGS / 2);
        s.step(1);
        s.step(0);
        assertEquals(FIRST_BUDGET_READINGS + FIRST_BUDGET_READINGS, SessionWindowTest.publishIds(s).size(),
                "half of 1 KB unanswered, a refill to the grown 1.5 KB: 1 KB more at once");
    }

    @Test
    void answersThatKeepUpGrowItUntilEverySlotIsUsed() {
        s.connect(ScriptedSession.CONNACK);
        backlog(2_000);
        s.step(1);
        int rounds = answerPromptlyUntilTheWindowIsFull();
        assertTrue(rounds > 0, "every slot in flight once answers keep up: " + s.session.inflightCount());
        assertTrue(rounds <= 6, "in a few round trips (1 KB growing by half to 4 KB): " + rounds);
        assertEquals(0, s.session.counters().deadLinksDetected());
    }

    @Test
    void answersSlowerThanTheTargetShrinkItAgain() {
        connectAndGrowToTheWholeWindow(3_000);
        // A whole window (4 KB) answered 4 s after it went out: about 1 KB a second crosses, and
        // the target is a third of the answer timeout (833 ms at keep alive 5 s).
        for (int round = 0; round < 3; round++) {
            int written = SessionWindowTest.publishIds(s).size();
            s.run(40, 100);
            answer(written - s.session.inflightCount(), written);
            s.step(1);
            s.step(0);
        }
        assertTrue(s.session.inflightCount() <= FIRST_BUDGET_READINGS + 1,
                "back to about what crosses before an answer is due: " + s.session.inflightCount());
        assertEquals(0, s.session.counters().deadLinksDetected());
    }

    /**
     * A reconnect after an outage resends the window as DUPs. The link that comes back may be
     * thin and shared with the broker's answers; a whole window of 128 at once cost the link
     * lab's 8 kbit/s shared link a false dead link (4 connects where 2 were due). Resends too
     * start with the first budget.
     */
    @Test
    void aNewConnectionResendsNoMoreThanTheFirstBudgetAtOnce() {
        connectAndGrowToTheWholeWindow(1_000);
        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        s.step(0);
        List<String> resent = s.written().stream().filter(p -> p.startsWith("PUBLISH q1 d")).toList();
        assertEquals(FIRST_BUDGET_READINGS, resent.size(), "1 KB of DUPs first, of " + WINDOW + " in flight");
        assertEquals(FIRST_BUDGET_READINGS, SessionWindowTest.publishIds(s).size(), "and nothing new yet");
    }
}
