package dev.sensorpub.agent;

import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.QueueCounters;
import dev.sensorpub.sensor.SensorSchedule;
import dev.sensorpub.session.LinkState;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionCounters;

/**
 * The periodic one-line summary a person at the serial console reads to know all is well:
 * link, backlog, traffic, losses, errors, memory. Built every status interval (a minute by
 * default), so it may allocate.
 */
final class StatusLine {
    private final MessageQueue queue;
    private final MqttSession session;
    private final SensorSchedule sensors;

    StatusLine(MessageQueue queue, MqttSession session, SensorSchedule sensors) {
        this.queue = queue;
        this.session = session;
        this.sensors = sensors;
    }

    String line(Runtime runtime) {
        QueueCounters q = queue.counters();
        SessionCounters s = session.counters();
        long heapUsed = runtime.totalMemory() - runtime.freeMemory();
        return "status: link " + (session.state() == LinkState.CONNECTED ? "up" : "down") + " " + session.currentServer()
                .hostAndPort()
                + ", queued " + q.queuedMessages() + " (" + kib(q.queuedBytes()) + ")"
                + ", sent " + q.sent() + ", confirmed " + q.confirmed()
                + ", dropped " + (q.droppedOverflow() + q.rejectedTooLarge()) + ", expired " + q.droppedExpired()
                + ", sensor errors " + sensors.totalErrors()
                + ", reconnects " + s.reconnects()
                + ", heap " + (heapUsed >> 20) + " MiB";
    }

    private static String kib(long bytes) {
        return bytes < 1024 ? bytes + " B" : (bytes >> 10) + " KiB";
    }
}
