package dev.sensorpub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.codec.Topic;
import org.junit.jupiter.api.Test;

/** Subscriptions are made on every CONNACK: a kept session may predate an output added since. */
class SessionSubscribeTest {
    private static long subscribes(ScriptedSession s) {
        return s.written().stream().filter(p -> p.startsWith("SUBSCRIBE")).count();
    }

    @Test
    void aKeptSessionIsSubscribedAgain() {
        ScriptedSession s = new ScriptedSession(SessionSettings.builder("tcp://127.0.0.1:1883", "pi")
                .cleanSession(false).reconnectDelays(1, 2, 10_000));
        s.session.subscribe(Topic.filter("pi/cmd/#"), 1);
        s.connect(ScriptedSession.CONNACK);
        assertEquals(1, subscribes(s));
        String subscribe = s.written().get(s.written().size() - 1);
        int id = Integer.parseInt(subscribe.substring("SUBSCRIBE id=".length()));
        s.socket.deliver(new byte[] {(byte) 0x90, 3, (byte) (id >> 8), (byte) id, 1});
        s.step(1);

        s.socket.brokerCloses();
        s.step(1);
        s.connect(ScriptedSession.CONNACK_SESSION_PRESENT);
        assertEquals(1, subscribes(s), "subscribed again although the broker kept the session");
    }
}
