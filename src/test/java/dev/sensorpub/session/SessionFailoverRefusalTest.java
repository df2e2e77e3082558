package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A refusal that will not fix itself (bad user name or password, not authorized, client id
 * rejected, protocol version) is a fact about the server that sent it: the next server in the
 * list may accept, so it is tried at once, like after any other failure before CONNACK; the long
 * wait is for when the whole list has refused.
 */
class SessionFailoverRefusalTest {
    private static final byte[] NOT_AUTHORIZED = {0x20, 0x02, 0x00, 0x05};

    @Test
    @Disabled("defect: BrokerLink.connectFailed waits the maximum delay after a permanent refusal before the next server")
    void aServerThatRefusesForGoodIsLeftForTheNextAtOnce() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1001,tcp://127.0.0.1:1002",
                "pi").reconnectDelays(100, 60_000, 10_000));
        s.awaitReconnect(0);
        s.socket.deliver(NOT_AUTHORIZED);
        s.step(1);
        assertEquals(LinkState.WAITING, s.session.state());
        long refusedAt = s.clock.monotonicMillis();
        s.awaitReconnect(1);
        assertEquals(List.of("127.0.0.1:1001", "127.0.0.1:1002"), s.socket.opened);
        long waited = s.clock.monotonicMillis() - refusedAt;
        assertTrue(waited <= 100, "the next server is tried without a backoff, waited " + waited + " ms");
    }
}
