package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A broker that keeps sending to us (other clients' messages on our subscriptions) but no longer
 * processes what we send: it takes our bytes and never answers them. With QoS 0 readings there is
 * no window to time out; the unanswered PINGREQ is all that tells, and the traffic it keeps
 * sending must not hide it for ever.
 */
class SessionTalkingDeadBrokerTest {
    /** An inbound QoS 0 PUBLISH on "c": another client's message. */
    private static final byte[] INBOUND = {0x30, 0x04, 0x00, 0x01, 'c', 'x'};

    @Test
    @Disabled("defect: KeepAlive never calls a link dead while the broker talks, with a PINGREQ on the wire unanswered")
    void aBrokerThatKeepsSendingButNeverAnswersIsDeadWithinBoundedTime() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .keepAliveSeconds(5).reconnectDelays(60_000, 60_000, 10_000));
        s.connect(ScriptedSession.CONNACK);
        for (int step = 0; step < 600 && s.session.state() == LinkState.CONNECTED; step++) {
            s.append("pi/t", "r" + step, 0);
            s.socket.deliver(INBOUND);
            s.step(100);
        }
        assertEquals(LinkState.WAITING, s.session.state(), "dead within 60 s (12 keep alives); "
                + s.session.counters().published() + " published, " + s.queue.counters().queuedMessages() + " queued");
    }
}
