package dev.sensorpub.ha;

import dev.sensorpub.codec.IncomingPacket;
import dev.sensorpub.codec.Topic;
import java.nio.charset.StandardCharsets;

/**
 * Home Assistant's birth message: it publishes {@code online} on {@code <prefix>/status} when it
 * starts, and wants every device to announce itself again. A birth makes an announcement due;
 * announcements are at least {@code minGapMillis} apart, so a flood of births (a restart loop, a
 * retained "online" seen on every reconnect) cannot flood the queue, and a birth inside the gap
 * is served when the gap ends, never lost. Allocation-free per message.
 */
public final class HomeAssistantStatus {
    /** Announcements at most this often by default. */
    public static final long DEFAULT_MIN_GAP_MILLIS = 10_000;
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);

    private final Topic topic;
    private final long minGapMillis;
    private boolean due;
    private boolean announcedOnce;
    private long lastAnnouncedMillis;
    private long births;

    public HomeAssistantStatus(String prefix, long minGapMillis) {
        this.topic = Topic.name(prefix + "/status");
        this.minGapMillis = minGapMillis;
    }

    /** Subscribe to this (QoS 0 is enough: a missed birth only delays nothing already retained). */
    public Topic subscription() {
        return Topic.filter(topic.toString());
    }

    /** True when {@code publish} was on the status topic (handled); an {@code online} makes an announcement due. */
    public boolean onMessage(IncomingPacket publish) {
        if (!publish.topicEquals(topic)) {
            return false;
        }
        if (publish.payloadLength() == ONLINE.length) {
            byte[] b = publish.buffer();
            int o = publish.payloadOffset();
            for (int i = 0; i < ONLINE.length; i++) {
                if (b[o + i] != ONLINE[i]) {
                    return true;
                }
            }
            due = true;
            births++;
        }
        return true;
    }

    /** Remember an announcement made for another reason (the one at start). */
    public void announced(long nowMillis) {
        announcedOnce = true;
        lastAnnouncedMillis = nowMillis;
    }

    /** True, once, when an announcement is due now; the caller publishes the configs then. */
    public boolean announcementDue(long nowMillis) {
        if (!due || announcedOnce && nowMillis - lastAnnouncedMillis < minGapMillis) {
            return false;
        }
        due = false;
        announced(nowMillis);
        return true;
    }

    /** When {@link #announcementDue} next turns true if nothing else happens; Long.MAX_VALUE if never. */
    public long nextDeadlineMillis() {
        return due ? lastAnnouncedMillis + minGapMillis : Long.MAX_VALUE;
    }

    /** How many births were seen, for the status line. */
    public long births() {
        return births;
    }
}
