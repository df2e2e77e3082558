package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** When a PINGREQ on the wire is overdue. Keep alive 5 s: the answer timeout is 2.5 s. */
class KeepAliveTest {
    private final SendBuffer out = new SendBuffer(256);
    private final KeepAlive keepAlive = new KeepAlive(5, out);

    private void pingLeftAt(long nowMillis, long aheadMillis) {
        pingLeftAt(nowMillis, nowMillis, aheadMillis);
    }

    /**
     * A new link last heard at {@code heardAt}, whose PINGREQ left at {@code nowMillis} behind
     * QoS 0 bytes that need {@code aheadMillis} to cross (none: an idle link's ping).
     */
    private void pingLeftAt(long heardAt, long nowMillis, long aheadMillis) {
        keepAlive.reset(heardAt);
        keepAlive.sendPing(0, aheadMillis, aheadMillis > 0);
        keepAlive.flushed(nowMillis, true, out.committed());
    }

    @Test
    void aPingWithNothingAheadIsOverdueAfterTheAnswerTimeout() {
        pingLeftAt(0, 0);
        assertNull(keepAlive.check(2_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(2_500, true, false, 0, 0));
    }

    /** The ping left long after the last packet: only its own answer time is still to run. */
    @Test
    void bytesAheadOfAPingLengthenItsAnswerTimeByTheirCrossingTime() {
        pingLeftAt(0, 10_000, 1_500);
        assertNull(keepAlive.check(10_000 + 3_999, true, false, 0, 0));
        assertNotNull(keepAlive.check(10_000 + 4_000, true, false, 0, 0));
    }

    /**
     * The link lab's 8 kbit/s link with 5% loss, after an outage: a PINGREQ behind 300 ms of
     * QoS 0 bytes was answered after 4.7 s (TCP resent a lost segment after its retransmission
     * timeout). Dead only after 1.5 keep alives with nothing received, as the README promises.
     */
    @Test
    void aPingBehindQos0BytesIsDeadOnlyAfterOneAndAHalfKeepAlivesOfSilence() {
        pingLeftAt(0, 300);
        assertNull(keepAlive.check(4_700, true, false, 0, 0));
        assertNull(keepAlive.check(7_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(7_500, true, false, 0, 0));
    }

    /** Twice a 3 s answer is more than the keep alive: two keep alives of silence, no more. */
    @Test
    void afterASlowAnswerAPingBehindQos0BytesIsDeadAfterTwoKeepAlivesOfSilence() {
        pingLeftAt(0, 0);
        keepAlive.heard(3_000);
        keepAlive.answered(3_000);
        keepAlive.sendPing(0, 300, true);
        keepAlive.flushed(3_000, true, out.committed());
        assertNull(keepAlive.check(3_000 + 9_999, true, false, 0, 0));
        assertNotNull(keepAlive.check(3_000 + 10_000, true, false, 0, 0));
    }

    /**
     * The lab's 16 kbit/s shared link with 5% loss at QoS 2: the broker went quiet while PUBLISH
     * packets were in flight (a lost segment waiting for TCP's resend), the PINGREQ that asked
     * went behind them, and 5 s of silence declared a live link dead. Behind QoS 1 or 2 packets
     * in flight a ping, like one behind QoS 0 bytes, is dead only after 1.5 keep alives.
     */
    @Test
    void aPingBehindMessagesInFlightIsDeadOnlyAfterOneAndAHalfKeepAlivesOfSilence() {
        keepAlive.reset(0);
        keepAlive.sendPing(0, 0, true);
        keepAlive.flushed(2_500, true, out.committed());
        assertNull(keepAlive.check(5_001, true, false, 0, 0));
        assertNull(keepAlive.check(7_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(7_500, true, false, 0, 0));
    }

    /** Nothing of ours awaits an answer (an idle link): the answer timeout after the ping's answer time. */
    @Test
    void anIdlePingKeepsTheAnswerTimeoutOfSilence() {
        pingLeftAt(0, 0);
        keepAlive.heard(4_000);
        assertNull(keepAlive.check(4_000 + 2_499, true, false, 0, 0));
        assertNotNull(keepAlive.check(4_000 + 2_500, true, false, 0, 0));
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
        pingLeftAt(0, 10_000, 60_000);
        assertNull(keepAlive.check(10_000 + 4_999, true, false, 0, 0));
        assertNotNull(keepAlive.check(10_000 + 5_000, true, false, 0, 0));
    }
}
