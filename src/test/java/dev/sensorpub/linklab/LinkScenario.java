package dev.sensorpub.linklab;

import dev.sensorpub.testing.LinkLab;
import dev.sensorpub.testing.LinkShape;
import java.util.List;

/**
 * One run of the link lab: a link shape, the counter's QoS, and the phases. The agent publishes a
 * counter 0, 1, 2, ... every {@link #READING_INTERVAL_MILLIS} ms; after {@code warmupMillis} of
 * arrivals the link may go black for {@code outageMillis}, then the backlog must drain within
 * {@code drainTimeoutMillis}; then {@code steadyMillis} more of normal traffic.
 */
public record LinkScenario(LinkShape shape, int qos, long warmupMillis, long outageMillis, long drainTimeoutMillis,
                           long steadyMillis, int inflightWindow) {
    /** 10 readings a second, as in the matrix. */
    public static final long READING_INTERVAL_MILLIS = 100;
    public static final String CLIENT_ID = "lab-pi";
    public static final String TOPIC = "lab/beat";
    /** The agent's default in-flight window (the matrix): the duplicates an outage may cost. */
    public static final int INFLIGHT_WINDOW = 128;
    public static final int KEEP_ALIVE_SECONDS = 5;

    public LinkScenario {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2: " + qos);
        }
        if (inflightWindow < 1 || inflightWindow > 65_535) {
            throw new IllegalArgumentException("in-flight window must be 1-65535: " + inflightWindow);
        }
        if (warmupMillis < 0 || outageMillis < 0 || drainTimeoutMillis < 0 || steadyMillis < 0) {
            throw new IllegalArgumentException("phases must not be negative: " + this);
        }
    }

    /** With the default in-flight window of {@link #INFLIGHT_WINDOW}. */
    public LinkScenario(LinkShape shape, int qos, long warmupMillis, long outageMillis, long drainTimeoutMillis,
                        long steadyMillis) {
        this(shape, qos, warmupMillis, outageMillis, drainTimeoutMillis, steadyMillis, INFLIGHT_WINDOW);
    }

    public int outages() {
        return outageMillis > 0 ? 1 : 0;
    }

    /** The mapping file the agent runs with. */
    public List<String> mapping() {
        return List.of(
                "board = simulator",
                "mqtt.server = tcp://127.0.0.1:" + LinkLab.BROKER_PORT,
                "mqtt.client-id = " + CLIENT_ID,
                "mqtt.keep-alive = " + KEEP_ALIVE_SECONDS + "s",
                "mqtt.clean-session = false",
                "mqtt.reconnect.min-delay = 500ms",
                "mqtt.reconnect.max-delay = 4s",
                "mqtt.connect-timeout = 10s",
                "mqtt.inflight-window = " + inflightWindow,
                "sensor.beat.type = sim-counter",
                "sensor.beat.topic = " + TOPIC,
                "sensor.beat.qos = " + qos,
                "sensor.beat.interval = " + READING_INTERVAL_MILLIS + "ms");
    }

    /** e.g. "16 kbit/s shared, QoS 1, 15 s outage" */
    public String describe() {
        return shape.describe() + ", QoS " + qos + (outageMillis > 0 ? ", " + outageMillis / 1000 + " s outage" : "");
    }
}
