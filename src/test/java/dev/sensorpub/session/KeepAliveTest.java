package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** When a PINGREQ on the wire is overdue. Keep alive 5 s: the answer timeout is 2.5 s. */
class KeepAliveTest {
    private final SendBuffer out = new SendBuffer(256);
    private final KeepAlive keepAlive = new KeepAlive(5, out);

    private void pingLeftAt(long nowMillis, long aheadMillis) {
        keepAlive.reset(nowMillis);
        keepAlive.sendPing(0, aheadMillis);
        keepAlive.flushed(nowMillis, true, out.committed());
    }

    @Test
    void aPingWithNothingAheadIsOverdueAfterTheAnswerTimeout() {
        pingLeftAt(0, 0);
        assertNull(keepAlive.check(2_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(2_500, true, false, 0, 0));
    }

    @Test
    void bytesAheadOfAPingLengthenItsAnswerTimeByTheirCrossingTime() {
        pingLeftAt(0, 1_500);
        assertNull(keepAlive.check(3_999, true, false, 0, 0));
        assertNotNull(keepAlive.check(4_000, true, false, 0, 0));
    }

    /**
     * On the link lab's shared 8 kbit/s medium answers took up to 3.3 s: the link builds up a
     * queue, and TCP resends what 5% loss took. The next PINGREQ gets twice the slowest recent answer.
     */
    @Test
    void aPingGetsTwiceTheSlowestRecentAnswer() {
        pingLeftAt(0, 0);
        keepAlive.heard(1_800);
        keepAlive.answered(1_800);
        pingLeftAt(2_000, 0);
        assertNull(keepAlive.check(2_000 + 3_599, true, false, 0, 0));
        assertNotNull(keepAlive.check(2_000 + 3_600, true, false, 0, 0));
    }

    @Test
    void aSlowAnswerLongAgoCountsLessWithEachFasterOne() {
        pingLeftAt(0, 0);
        keepAlive.answered(2_000);
        for (int i = 1; i <= 4; i++) {
            pingLeftAt(i * 10_000, 0);
            keepAlive.answered(i * 10_000 + 100);
        }
        pingLeftAt(50_000, 0); // 2,000 ms less a quarter four times: 632 ms, so the answer timeout rules
        assertNull(keepAlive.check(50_000 + 2_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(50_000 + 2_500, true, false, 0, 0));
    }

    @Test
    void howeverMuchIsAheadAPingGetsAtMostOneKeepAlive() {
        pingLeftAt(0, 60_000);
        assertNull(keepAlive.check(4_999, true, false, 0, 0));
        assertNotNull(keepAlive.check(5_000, true, false, 0, 0));
    }
}
