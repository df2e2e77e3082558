package dev.sensorpub.agent;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.RateLimiter;
import dev.sensorpub.payload.PayloadFormatter;
import dev.sensorpub.queue.ExpiryDeadlines;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.sensor.ReadingSink;
import dev.sensorpub.time.Clock;
import java.time.Duration;

/**
 * Turns each reading into its payload and appends it to the queue: the one place where a
 * sensor's value becomes an MQTT message. Topics were encoded once at start; the payload is
 * formatted into one scratch buffer; nothing is allocated per reading.
 *
 * <p>A reading's {@code max-age} counts on the monotonic clock from when it reaches this sink
 * (on the loop thread, right after capture), never from its wall stamp: NTP stepping the clock
 * must not expire readings taken before the sync. Its stamp is handed to the queue with where it
 * lies in the payload and its monotonic capture time, so the queue can correct it if NTP steps
 * the wall clock while the reading waits.
 */
final class QueueingSink implements ReadingSink {
    private static final Logger LOG = Log.logger("agent");

    /** Per sensor, per quantity. */
    private final byte[][][] topics;
    private final PayloadFormatter[][] formatters;
    private final String[] names;
    private final int[] qos;
    private final boolean[] retain;
    private final long[] maxAgeMillis;
    private final MessageQueue queue;
    private final byte[] scratch;
    private final RateLimiter warnings;
    private final Clock clock;

    QueueingSink(String[] names, byte[][][] topics, PayloadFormatter[][] formatters, int[] qos, boolean[] retain,
                 long[] maxAgeMillis, MessageQueue queue, Clock clock) {
        this.clock = clock;
        this.names = names;
        this.topics = topics;
        this.formatters = formatters;
        this.qos = qos;
        this.retain = retain;
        this.maxAgeMillis = maxAgeMillis;
        this.queue = queue;
        int longest = 1;
        for (PayloadFormatter[] perSensor : formatters) {
            for (PayloadFormatter f : perSensor) {
                longest = Math.max(longest, f.maxLength());
            }
        }
        this.scratch = new byte[longest];
        this.warnings = new RateLimiter(names.length, Duration.ofMinutes(1));
    }

    @Override
    public void accept(int sensorIndex, int quantityIndex, double value, long timestampMillis, long capturedAtMillis) {
        PayloadFormatter formatter = formatters[sensorIndex][quantityIndex];
        int length = formatter.format(value, timestampMillis, scratch, 0);
        if (length < 0) {
            if (warnings.tryAcquire(sensorIndex, clock.monotonicNanos())) {
                LOG.warn("sensor " + names[sensorIndex] + ": reading " + value + " not published ("
                        + reason(length) + ")");
            }
            return;
        }
        byte[] topic = topics[sensorIndex][quantityIndex];
        long now = clock.monotonicMillis();
        long expiresAt = ExpiryDeadlines.after(now, maxAgeMillis[sensorIndex]);
        int stampAt = formatter.stampAt(length);
        // A refusal (drop-newest overflow) is counted and logged by the queue itself.
        queue.append(topic, 0, topic.length, scratch, 0, length, qos[sensorIndex], retain[sensorIndex], timestampMillis,
                stampAt == PayloadFormatter.NO_STAMP ? MessageQueue.NO_STAMP : stampAt, capturedAtMillis, expiresAt);
    }

    private static String reason(int code) {
        return switch (code) {
            case PayloadFormatter.NOT_FINITE -> "not a finite number";
            case PayloadFormatter.OUT_OF_RANGE -> "too large to format";
            default -> "payload buffer too small";
        };
    }
}
