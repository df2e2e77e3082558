package dev.sensorpub.testing;

/**
 * What the kernel makes of the broker's port in a {@link LinkLab}: an uplink (packets to the broker)
 * and a downlink (packets from it), each at its own rate (full duplex), or both through one bucket
 * (a shared medium such as a half-duplex radio); random loss on both directions; a transmit queue
 * that holds {@code queueMillis} of data at the link's rate, like a modem's buffer.
 */
public record LinkShape(int upKbit, int downKbit, boolean shared, double lossPercent, int queueMillis) {
    /** Queueing a modem does before it drops: seconds, not minutes. */
    public static final int DEFAULT_QUEUE_MILLIS = 5_000;

    public LinkShape {
        if (upKbit <= 0 || downKbit <= 0) {
            throw new IllegalArgumentException("link rates must be positive: up " + upKbit + ", down " + downKbit);
        }
        if (shared && upKbit != downKbit) {
            throw new IllegalArgumentException("a shared medium has one rate, not up " + upKbit + " and down " + downKbit);
        }
        if (lossPercent < 0 || lossPercent >= 100) {
            throw new IllegalArgumentException("loss must be in [0, 100) percent: " + lossPercent);
        }
        if (queueMillis <= 0) {
            throw new IllegalArgumentException("queue must hold a positive time: " + queueMillis + " ms");
        }
    }

    /** Uplink and downlink each at {@code kbit} kbit/s. */
    public static LinkShape fullDuplex(int kbit) {
        return new LinkShape(kbit, kbit, false, 0, DEFAULT_QUEUE_MILLIS);
    }

    /** Uplink and downlink together at {@code kbit} kbit/s. */
    public static LinkShape sharedMedium(int kbit) {
        return new LinkShape(kbit, kbit, true, 0, DEFAULT_QUEUE_MILLIS);
    }

    public LinkShape withLoss(double percent) {
        return new LinkShape(upKbit, downKbit, shared, percent, queueMillis);
    }

    /** e.g. "16 kbit/s shared, 5% loss" */
    public String describe() {
        String rate = shared ? upKbit + " kbit/s shared"
                : upKbit == downKbit ? upKbit + " kbit/s full duplex" : upKbit + "/" + downKbit + " kbit/s up/down";
        return lossPercent == 0 ? rate : rate + ", " + formatPercent(lossPercent) + " loss";
    }

    private static String formatPercent(double p) {
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
