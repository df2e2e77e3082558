package dev.sensorpub.agent;

import dev.sensorpub.codec.Topic;
import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.queue.ControlLane;
import dev.sensorpub.time.Timestamps;
import dev.sensorpub.transport.Endpoint;
import java.nio.charset.StandardCharsets;

/**
 * The retained JSON health message a fleet watches remotely on {@code <client-id>/health}:
 * link, queue, sensors (the failing ones by name, with their last reason) and memory, from one
 * {@link Vitals} snapshot. Written into a buffer sized at start, so publishing it allocates
 * nothing on the loop; plain ASCII, compact, one object:
 *
 * <pre>{"ts":"2026-12-02T01:00:00.000Z","uptime_s":60,"version":"1.0",
 *  "link":{"up":true,"server":"10.0.0.5:1883","connects":1,...,"in_flight":0},
 *  "queue":{"type":"file","messages":0,"bytes":0,...,"fallback_to_memory":false},
 *  "sensors":{"count":3,"failing":1,"read_errors":7,
 *             "failing_list":[{"name":"cpu","in_a_row":7,"failed_reads":7,"reason":"..."}]},
 *  "heap_mib":9}</pre>
 *
 * Sent through the control lane (QoS 1, retained) only while the link is up (a message queued
 * while it is down would be stale when it arrives; the next one after the reconnect replaces it).
 */
final class HealthReport {
    /** Failing sensors listed by name; the count covers all of them. */
    static final int MAX_LISTED = 8;
    static final int MAX_REASON = 100;
    static final int MAX_SERVER = 150;
    static final int MAX_VERSION = 40;
    /** Keys, punctuation and every number at 20 digits, plus the version; without server and sensors. */
    private static final int FIXED_PART = 1_200;
    /** One failing_list entry without its name and reason. */
    private static final int PER_LISTED = 100;
    private static final Logger LOG = Log.logger("agent");

    private final Topic topic;
    private final byte[] version;
    private final byte[][] names;
    private final byte[] buffer;
    private final byte[] server = new byte[quotedMax(MAX_SERVER)];
    /** Starts as "" for a snapshot taken before any server was chosen (serverShown null). */
    private int serverLength = quoted("", 0, server, 0);
    private Endpoint serverShown;
    private int at;
    private long queueFailures;

    HealthReport(Topic topic, String version, String[] sensorNames) {
        this.topic = topic;
        this.version = jsonString(version, MAX_VERSION);
        this.names = quotedNames(sensorNames);
        this.buffer = new byte[maxPayloadBytes(names)];
    }

    /** The largest message (topic and payload) this can queue, for sizing the queue and the session. */
    static int maxMessageBytes(String topic, String[] sensorNames) {
        return topic.getBytes(StandardCharsets.UTF_8).length + maxPayloadBytes(quotedNames(sensorNames));
    }

    /**
     * Names are never cut: two long names that differ only at the end must stay two names. The
     * buffer has room for the longest {@link #MAX_LISTED} of them instead.
     */
    private static byte[][] quotedNames(String[] sensorNames) {
        byte[][] quoted = new byte[sensorNames.length][];
        for (int i = 0; i < sensorNames.length; i++) {
            quoted[i] = jsonString(sensorNames[i], sensorNames[i].length());
        }
        return quoted;
    }

    private static int maxPayloadBytes(byte[][] quotedNames) {
        int[] lengths = new int[quotedNames.length];
        for (int i = 0; i < quotedNames.length; i++) {
            lengths[i] = quotedNames[i].length;
        }
        java.util.Arrays.sort(lengths);
        int size = FIXED_PART + quotedMax(MAX_VERSION) + quotedMax(MAX_SERVER);
        for (int i = lengths.length - 1; i >= 0 && i >= lengths.length - MAX_LISTED; i--) {
            size += PER_LISTED + lengths[i] + quotedMax(MAX_REASON);
        }
        return size;
    }

    /** Escaping can double each character; then two quotes and "...". */
    private static int quotedMax(int chars) {
        return 2 * chars + 5;
    }

    Topic topic() {
        return topic;
    }

    /**
     * Puts the message built from {@code v} into the control lane, replacing one not yet sent:
     * ahead of the reading backlog, never counted as a reading, never piling up while the link is
     * slow. False (and one warning per run of failures) if the lane refused it. Loop thread only.
     */
    boolean publish(Vitals v, long epochMillis, ControlLane lane) {
        int length = write(v, epochMillis);
        boolean queued = lane.offer(topic.bytes(), 0, topic.length(), buffer, 0, length, true);
        if (!queued && queueFailures++ == 0) {
            LOG.warn("health: the control lane refused the " + length + "-byte health message");
        } else if (queued) {
            queueFailures = 0;
        }
        return queued;
    }

    /** Writes the JSON text into {@link #buffer()} and returns its length. */
    int write(Vitals v, long epochMillis) {
        at = 0;
        raw("{\"ts\":\"");
        Timestamps.write(epochMillis, buffer, at);
        at += Timestamps.LENGTH;
        raw("\",\"uptime_s\":");
        number(v.uptimeMillis / 1000);
        raw(",\"version\":");
        bytes(version, version.length);

        raw(",\"link\":{\"up\":");
        bool(v.linkUp);
        raw(",\"server\":");
        serverText(v.server);
        raw(",\"connects\":");
        number(v.connects);
        raw(",\"reconnects\":");
        number(v.reconnects);
        raw(",\"connect_failures\":");
        number(v.connectFailures);
        raw(",\"link_losses\":");
        number(v.linkLosses);
        raw(",\"dead_links\":");
        number(v.deadLinks);
        raw(",\"protocol_errors\":");
        number(v.protocolErrors);
        raw(",\"in_flight\":");
        number(v.inFlight);

        raw("},\"queue\":{\"type\":");
        raw(v.fileQueue ? "\"file\"" : "\"memory\"");
        raw(",\"messages\":");
        number(v.queuedMessages);
        raw(",\"bytes\":");
        number(v.queuedBytes);
        raw(",\"appended\":");
        number(v.appended);
        raw(",\"confirmed\":");
        number(v.confirmed);
        raw(",\"dropped_overflow\":");
        number(v.droppedOverflow);
        raw(",\"rejected_too_large\":");
        number(v.rejectedTooLarge);
        raw(",\"expired\":");
        number(v.expired);
        raw(",\"corrupt_skipped\":");
        number(v.corruptSkipped);
        raw(",\"storage_errors\":");
        number(v.storageErrors);
        raw(",\"fallback_to_memory\":");
        bool(v.onMemoryFallback());

        raw("},\"sensors\":{\"count\":");
        number(names.length);
        raw(",\"failing\":");
        number(v.failingSensors);
        raw(",\"read_errors\":");
        number(v.sensorErrors);
        raw(",\"failing_list\":[");
        int listed = 0;
        for (int i = 0; i < names.length && listed < MAX_LISTED; i++) {
            if (v.failingInARow[i] == 0) {
                continue;
            }
            raw(listed++ == 0 ? "{\"name\":" : ",{\"name\":");
            bytes(names[i], names[i].length);
            raw(",\"in_a_row\":");
            number(v.failingInARow[i]);
            raw(",\"failed_reads\":");
            number(v.failedReads[i]);
            raw(",\"reason\":");
            string(v.lastFailure[i] == null ? "" : v.lastFailure[i], MAX_REASON);
            raw("}");
        }
        raw("]},\"heap_mib\":");
        number(v.heapUsedBytes >> 20);
        raw("}");
        return at;
    }

    byte[] buffer() {
        return buffer;
    }

    /** The server's host:port, re-encoded only when the session moved to another server. */
    private void serverText(Endpoint endpoint) {
        if (endpoint != serverShown) {
            serverShown = endpoint;
            byte[] text = jsonString(endpoint == null ? "" : endpoint.hostAndPort(), MAX_SERVER);
            System.arraycopy(text, 0, server, 0, text.length);
            serverLength = text.length;
        }
        bytes(server, serverLength);
    }

    private void raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            buffer[at++] = (byte) ascii.charAt(i);
        }
    }

    private void bytes(byte[] src, int length) {
        System.arraycopy(src, 0, buffer, at, length);
        at += length;
    }

    private void bool(boolean value) {
        raw(value ? "true" : "false");
    }

    private void number(long value) {
        if (value < 0) {
            buffer[at++] = '-';
            if (value == Long.MIN_VALUE) {
                raw("9223372036854775808");
                return;
            }
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        at += digits;
    }

    /** A JSON string of at most {@code maxChars} characters of {@code text}, written without allocating. */
    private void string(String text, int maxChars) {
        at = quoted(text, maxChars, buffer, at);
    }

    private static byte[] jsonString(String text, int maxChars) {
        byte[] out = new byte[quotedMax(maxChars)];
        int length = quoted(text, maxChars, out, 0);
        byte[] exact = new byte[length];
        System.arraycopy(out, 0, exact, 0, length);
        return exact;
    }

    /**
     * Quotes and escapes: printable ASCII as is ({@code "} and {@code \} escaped), anything else
     * as {@code ?} so the message stays ASCII like the log; cut to {@code maxChars} with "...".
     */
    private static int quoted(String text, int maxChars, byte[] dst, int at) {
        dst[at++] = '"';
        int n = Math.min(text.length(), maxChars);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                dst[at++] = '\\';
                dst[at++] = (byte) c;
            } else {
                dst[at++] = c >= 0x20 && c <= 0x7E ? (byte) c : (byte) '?';
            }
        }
        if (text.length() > maxChars) {
            dst[at++] = '.';
            dst[at++] = '.';
            dst[at++] = '.';
        }
        dst[at++] = '"';
        return at;
    }
}
