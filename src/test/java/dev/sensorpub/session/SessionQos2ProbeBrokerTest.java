package dev.sensorpub.session;

import static dev.sensorpub.session.SessionLoop.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.testing.CapturedLog;
import dev.sensorpub.testing.MosquittoBroker;
import dev.sensorpub.testing.MosquittoSubscriber;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The probe of a server that never answered a QoS 2 against a real mosquitto 2.0.11 with
 * max_inflight_messages 1, max_queued_messages 0 and a kept session, without the setting (20):
 * a backlog of readings, QoS of each in turn from {@code pattern}. Every reading arrives in 60 s,
 * none at QoS 2 twice, QoS 2 is kept, and no line of the session is over 80 characters. {@code -Dprobe.runs=N} repeats each case N times.
 */
class SessionQos2ProbeBrokerTest {
    private static final int RECORDS = 120;

    @ParameterizedTest(name = "QoS in turn {0}")
    @CsvSource({"'2'", "'2,2,2,1'", "'1,2,2'", "'2,1,2,1'"})
    void aBacklogToMosquittoAtLimitOneArrivesWithQos2Kept(String pattern) throws Exception {
        for (int run = 0; run < Integer.getInteger("probe.runs", 1); run++) {
            assertEquals("confirmed " + RECORDS + ", 0 lost, QoS 2 twice [], QoS 2 given up: false[]", oneRun(pattern));
        }
    }

    private static String oneRun(String pattern) throws Exception {
        try (CapturedLog log = new CapturedLog();
             MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0)
                     .configLine("max_inflight_messages 1").start();
             MosquittoSubscriber subscriber = MosquittoSubscriber.start(broker, "garage/#", 2, null)) {
            MemoryQueue queue = TestQueues.memory();
            MqttSession session = new MqttSession(SessionSettings.builder(broker.url(), "probe")
                    .cleanSession(false).keepAliveSeconds(5).reconnectDelays(100, 1_000, 5_000)
                    .inflightWindow(32).build(), queue, p -> { });
            String[] qos = pattern.split(",");
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < RECORDS; i++) {
                TestQueues.append(queue, "garage/counter", String.valueOf(i), Integer.parseInt(qos[i % qos.length]));
                expected.add("garage/counter " + i);
            }
            runUntil(session::isDrained, 60_000, session);
            List<String> arrived = subscriber.awaitMessages(RECORDS, 5_000);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(arrived);
            List<String> qos2Twice = new java.util.ArrayList<>(arrived);
            for (String e : new TreeSet<>(arrived)) {
                qos2Twice.remove(e);
            }
            qos2Twice.removeIf(e -> !qos[Integer.parseInt(e.substring(e.indexOf(' ') + 1)) % qos.length].equals("2"));
            String outcome = "confirmed " + queue.counters().confirmed() + ", " + missing.size() + " lost, QoS 2 twice "
                    + qos2Twice + ", QoS 2 given up: " + !log.containing("readings at QoS 1").isEmpty()
                    + log.containing("mqtt").stream().filter(l -> l.split(" ", 3)[2].length() > 80).toList();
            session.close();
            return outcome;
        }
    }
}
