package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.codec.ConnectReturnCode;
import dev.sensorpub.codec.Topic;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.BlackHoleProxy;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session against a real mosquitto started for each test. */
class SessionBrokerTest {
    private static final long TIMEOUT = 15_000;

    private static SessionSettings.Builder settings(String url, String clientId) {
        return SessionSettings.builder(url, clientId).keepAliveSeconds(5).reconnectDelays(100, 1_000, 5_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void everyQosIsDeliveredToASubscriberInOrder(int qos) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "garage/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(settings(broker.url(), "pub-qos" + qos).build(), queue, p -> { });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                TestQueues.append(queue, "garage/counter", String.valueOf(i), qos);
                expected.add("garage/counter " + i);
            }
            assertTrue(runUntil(session::isDrained, TIMEOUT, session), "queue drained and confirmed");
            assertEquals(expected, subscriber.awaitMessages(50, TIMEOUT));
            assertEquals(50, queue.counters().confirmed());
            session.close();
        }
    }

    @Test
    void birthIsARetainedOnlineAndACleanShutdownPublishesOffline() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            MqttSession session = new MqttSession(settings(broker.url(), "pi").statusTopic("pi/status").build(),
                    TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> session.state() == LinkState.CONNECTED, TIMEOUT, session));
            runUntil(() -> false, 200, session);
            try (MosquittoSubscriber late = MosquittoSubscriber.start(broker, "pi/status", 1, null)) {
                assertEquals(List.of("pi/status online"), late.awaitMessages(1, TIMEOUT), "retained");
                assertTrue(session.drainAndDisconnect(2_000));
                assertEquals(List.of("pi/status online", "pi/status offline"), late.awaitMessages(2, TIMEOUT));
            }
            assertEquals(LinkState.CLOSED, session.state());
        }
    }

    @Test
    void theWillSaysOfflineWhenTheLinkIsLostAbruptly() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault();
             BlackHoleProxy proxy = BlackHoleProxy.start(broker.host(), broker.port());
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "pi/status", 1, null)) {
            MqttSession session = new MqttSession(settings(proxy.url(), "pi").statusTopic("pi/status").build(),
                    TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> session.state() == LinkState.CONNECTED, TIMEOUT, session));
            assertEquals(List.of("pi/status online"), subscriber.awaitMessages(1, TIMEOUT));
            proxy.reset();
            assertEquals(List.of("pi/status online", "pi/status offline"), subscriber.awaitMessages(2, TIMEOUT));
            session.close();
        }
    }

    @Test
    void aPersistentSessionIsPresentOnReconnectAndGoneAfterTheBrokerForgotIt() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            SessionSettings s = settings(broker.url(), "keeper").cleanSession(false).build();
            MqttSession first = new MqttSession(s, TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> first.state() == LinkState.CONNECTED, TIMEOUT, first));
            first.close();

            MqttSession second = new MqttSession(s, TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> second.state() == LinkState.CONNECTED, TIMEOUT, second));
            assertTrue(second.lastSessionPresent(), "broker kept the session");
            second.close();

            broker.stop(); // no persistence configured: the session is forgotten
            broker.start();
            MqttSession third = new MqttSession(s, TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> third.state() == LinkState.CONNECTED, TIMEOUT, third));
            assertFalse(third.lastSessionPresent(), "broker restarted without persistence");
            third.close();
        }
    }

    @Test
    void theBrokerKeepsMessagesForAClientThatWasAway() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            List<String> received = new ArrayList<>();
            SessionSettings away = settings(broker.url(), "away").cleanSession(false).build();
            MqttSession listener = new MqttSession(away, TestQueues.memory(), p -> received.add(text(p)));
            listener.subscribe(Topic.filter("cmd/#"), 1);
            assertTrue(runUntil(() -> listener.state() == LinkState.CONNECTED, TIMEOUT, listener));
            SessionLoop.runFor(300, listener); // SUBACK
            listener.close();

            MemoryQueue out = TestQueues.memory();
            MqttSession sender = new MqttSession(settings(broker.url(), "sender").build(), out, p -> { });
            TestQueues.append(out, "cmd/relay", "ON", 1);
            TestQueues.append(out, "cmd/relay", "OFF", 1);
            assertTrue(runUntil(sender::isDrained, TIMEOUT, sender));
            sender.close();

            MqttSession back = new MqttSession(away, TestQueues.memory(), p -> received.add(text(p)));
            back.subscribe(Topic.filter("cmd/#"), 1);
            assertTrue(runUntil(() -> received.size() == 2, TIMEOUT, back));
            assertEquals(List.of("cmd/relay ON", "cmd/relay OFF"), received);
            assertTrue(back.lastSessionPresent());
            back.close();
        }
    }

    @Test
    void inboundQos2IsDeliveredExactlyOnceAndEveryQosIsAcknowledged() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            List<String> received = new ArrayList<>();
            MqttSession listener = new MqttSession(settings(broker.url(), "listener").build(), TestQueues.memory(),
                    p -> received.add(text(p) + " q" + p.qos()));
            listener.subscribe(Topic.filter("in/#"), 2);
            assertTrue(runUntil(() -> listener.state() == LinkState.CONNECTED, TIMEOUT, listener));
            SessionLoop.runFor(300, listener);

            MemoryQueue out = TestQueues.memory();
            MqttSession sender = new MqttSession(settings(broker.url(), "sender").build(), out, p -> { });
            for (int qos = 0; qos <= 2; qos++) {
                TestQueues.append(out, "in/q" + qos, "m" + qos, qos);
            }
            assertTrue(runUntil(() -> sender.isDrained() && received.size() >= 3, TIMEOUT, sender, listener));
            SessionLoop.runFor(500, sender, listener);
            assertEquals(List.of("in/q0 m0 q0", "in/q1 m1 q1", "in/q2 m2 q2"), received);
            assertEquals(0, listener.inflightCount());
            sender.close();
            listener.close();
        }
    }

    /**
     * mosquitto 2.0 answers a wrong password with 5 (not authorized), not 4; code 4 is covered
     * against the scripted broker.
     */
    @Test
    void badCredentialsAreRefusedAndNotRetriedSoon() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().allowAnonymous(false).user("pi", "right").start()) {
            MqttSession session = new MqttSession(settings(broker.url(), "pi")
                    .credentials("pi", "wrong".getBytes(StandardCharsets.US_ASCII)).build(), TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> session.lastConnackCode() >= 0, TIMEOUT, session));
            assertEquals(ConnectReturnCode.NOT_AUTHORIZED, session.lastConnackCode());
            assertEquals(LinkState.WAITING, session.state());
            long wait = session.nextDeadlineMillis(SessionLoop.nowMillis()) - SessionLoop.nowMillis();
            assertTrue(wait >= 400, "a refusal that cannot fix itself waits the long delay, waited " + wait + " ms");
            session.close();

            MqttSession right = new MqttSession(settings(broker.url(), "pi")
                    .credentials("pi", "right".getBytes(StandardCharsets.US_ASCII)).build(), TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> right.state() == LinkState.CONNECTED, TIMEOUT, right));
            right.close();
        }
    }

    @Test
    void anonymousClientsAreRefusedWhenTheBrokerRequiresAPassword() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().allowAnonymous(false).user("pi", "right").start()) {
            MqttSession session = new MqttSession(settings(broker.url(), "anon").build(), TestQueues.memory(), p -> { });
            assertTrue(runUntil(() -> session.lastConnackCode() >= 0, TIMEOUT, session));
            assertEquals(ConnectReturnCode.NOT_AUTHORIZED, session.lastConnackCode());
            assertEquals(1, session.counters().connectFailures());
            session.close();
        }
    }

    private static String text(dev.sensorpub.codec.IncomingPacket p) {
        return new String(p.buffer(), p.topicOffset(), p.topicLength(), StandardCharsets.UTF_8) + " "
                + new String(p.buffer(), p.payloadOffset(), p.payloadLength(), StandardCharsets.UTF_8);
    }
}
