package dev.sensorpub.agent;

import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.QueueCounters;
import dev.sensorpub.sensor.SensorSchedule;
import dev.sensorpub.session.LinkState;
import dev.sensorpub.session.MqttSession;
import dev.sensorpub.session.SessionCounters;
import dev.sensorpub.transport.Endpoint;

/**
 * One snapshot of everything the status line and the health message report, taken on the loop
 * thread so that the numbers belong to one moment. Plain fields filled in place: capturing
 * allocates nothing, and tests set the fields directly to check the formats at their limits.
 */
final class Vitals {
    /** Sensor names in schedule order; fixed at start. */
    final String[] sensorNames;
    /** Per sensor: failed reads in a row now (0: the last read worked). */
    final long[] failingInARow;
    /** Per sensor: failed reads since start. */
    final long[] failedReads;
    /** Per sensor: the last failure's reason (a reference to the schedule's own string), or null. */
    final String[] lastFailure;

    long uptimeMillis;
    boolean linkUp;
    Endpoint server;
    long connects;
    long reconnects;
    long connectFailures;
    long linkLosses;
    long deadLinks;
    long protocolErrors;
    long inFlight;

    boolean fileQueue;
    long queuedMessages;
    long queuedBytes;
    long appended;
    long confirmed;
    long droppedOverflow;
    long rejectedTooLarge;
    long expired;
    long corruptSkipped;
    long storageErrors;

    long sensorErrors;
    int failingSensors;
    long heapUsedBytes;

    Vitals(String[] sensorNames) {
        this.sensorNames = sensorNames.clone();
        int n = sensorNames.length;
        failingInARow = new long[n];
        failedReads = new long[n];
        lastFailure = new String[n];
    }

    static Vitals of(SensorSchedule schedule) {
        String[] names = new String[schedule.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = schedule.name(i);
        }
        return new Vitals(names);
    }

    /** Reads every counter; loop thread only (the parts it reads are not thread-safe). */
    void capture(MessageQueue queue, boolean fileQueue, MqttSession session, SensorSchedule schedule,
                 Runtime runtime, long uptimeMillis) {
        this.uptimeMillis = uptimeMillis;
        SessionCounters s = session.counters();
        linkUp = session.state() == LinkState.CONNECTED;
        server = session.currentServer();
        connects = s.connects();
        reconnects = s.reconnects();
        connectFailures = s.connectFailures();
        linkLosses = s.linkLosses();
        deadLinks = s.deadLinksDetected();
        protocolErrors = s.protocolErrors();
        inFlight = session.inflightCount();

        QueueCounters q = queue.counters();
        this.fileQueue = fileQueue;
        queuedMessages = q.queuedMessages();
        queuedBytes = q.queuedBytes();
        appended = q.appended();
        confirmed = q.confirmed();
        droppedOverflow = q.droppedOverflow();
        rejectedTooLarge = q.rejectedTooLarge();
        expired = q.droppedExpired();
        corruptSkipped = q.corruptSkipped();
        storageErrors = q.storageErrors();

        long errors = 0;
        int failing = 0;
        for (int i = 0; i < sensorNames.length; i++) {
            failingInARow[i] = schedule.consecutiveErrors(i);
            failedReads[i] = schedule.errorCount(i);
            lastFailure[i] = schedule.lastError(i);
            errors += failedReads[i];
            failing += failingInARow[i] > 0 ? 1 : 0;
        }
        sensorErrors = errors;
        failingSensors = failing;
        heapUsedBytes = runtime.totalMemory() - runtime.freeMemory();
    }

    /** The file queue writes nothing more after its first storage error: new messages stay in memory. */
    boolean onMemoryFallback() {
        return fileQueue && storageErrors > 0;
    }

    long dropped() {
        return droppedOverflow + rejectedTooLarge;
    }
}
