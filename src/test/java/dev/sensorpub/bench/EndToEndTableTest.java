package dev.sensorpub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndTableTest {

    private static final String HEADER = """
            | run | msgs/s (median) | min - max (runs) | vs mosquitto_pub | vs best Paho | seconds \
            | B/msg allocated (loop / all threads) | latency p50 / p99 / p99.9 (µs) | peak RSS (MB) | delivered |
            |---|---|---|---|---|---|---|---|---|---|
            """;

    @Test
    void comparesEachRunWithMosquittoPubAndTheFastestPahoAtTheSameQos() {
        List<String> lines = List.of(
                "mosquitto_pub QoS 1\tclient=mosquitto_pub qos=1 count=1000 seconds=0.005 msgs_per_sec=200000"
                        + " rss_kb=6144 delivered=1000 status=ok",
                "Paho QoS 1 w10\tRESULT client=paho qos=1 count=1000 size=32 window=10 seconds=0.025"
                        + " msgs_per_sec=40000 all_alloc_bytes_per_msg=3500.00 p50_us=200 p99_us=900 p999_us=2000"
                        + " rss_kb=307200 delivered=1000 status=ok",
                "Paho QoS 1 w256\tRESULT client=paho qos=1 count=1000 size=32 window=256 seconds=0.020"
                        + " msgs_per_sec=50000 all_alloc_bytes_per_msg=3300.50 p50_us=3000 p99_us=9000 p999_us=20000"
                        + " rss_kb=409600 delivered=1000 status=ok",
                "sensorpub QoS 1 w32\tRESULT client=sensorpub qos=1 count=1000 size=32 window=32 seconds=0.004"
                        + " msgs_per_sec=250000 loop_alloc_bytes_per_msg=0.00 all_alloc_bytes_per_msg=0.12"
                        + " p50_us=100 p99_us=400 p999_us=800 rss_kb=40960 delivered=1000 status=ok");
        assertEquals(HEADER + """
                | mosquitto_pub QoS 1 | 200000 | 200000 - 200000 (1) | 1.00x | 4.00x | 0.005 | - / - | - | 6.0 | 1000 |
                | Paho QoS 1 w10 | 40000 | 40000 - 40000 (1) | 0.20x | 0.80x | 0.025 | - / 3500.00 | 200 / 900 / 2000 \
                | 300.0 | 1000 |
                | Paho QoS 1 w256 | 50000 | 50000 - 50000 (1) | 0.25x | 1.00x | 0.020 | - / 3300.50 | 3000 / 9000 / 20000 \
                | 400.0 | 1000 |
                | sensorpub QoS 1 w32 | 250000 | 250000 - 250000 (1) | 1.25x | 5.00x | 0.004 | 0.00 / 0.12 \
                | 100 / 400 / 800 | 40.0 | 1000 |
                """, EndToEndTable.render(EndToEndTable.parse(lines)));
    }

    @Test
    void repeatsOfARunShowTheMedianRunTheRangeAndTheHighestPeakRss() {
        List<String> lines = List.of(
                "mosquitto_pub QoS 0\tclient=mosquitto_pub qos=0 seconds=1 msgs_per_sec=100000 status=ok",
                "sensorpub QoS 0\tclient=sensorpub qos=0 seconds=3.000 msgs_per_sec=90000 rss_kb=1024 status=ok",
                "mosquitto_pub QoS 0\tclient=mosquitto_pub qos=0 seconds=1 msgs_per_sec=300000 status=ok",
                "sensorpub QoS 0\tclient=sensorpub qos=0 seconds=1.000 msgs_per_sec=270000 rss_kb=3072 status=ok",
                "mosquitto_pub QoS 0\tclient=mosquitto_pub qos=0 seconds=1 msgs_per_sec=200000 status=ok",
                "sensorpub QoS 0\tclient=sensorpub qos=0 seconds=2.000 msgs_per_sec=180000 rss_kb=2048 status=ok");
        assertEquals(HEADER + """
                | mosquitto_pub QoS 0 | 200000 | 100000 - 300000 (3) | 1.00x | n/a | 1.000 | - / - | - | - | - |
                | sensorpub QoS 0 | 180000 | 90000 - 270000 (3) | 0.90x | n/a | 2.000 | - / - | - | 3.0 | - |
                """, EndToEndTable.render(EndToEndTable.parse(lines)));
    }

    @Test
    void aFailedRepeatFailsTheRowAndShowsItsNote() {
        List<String> lines = List.of(
                "sensorpub QoS 0\tclient=sensorpub qos=0 seconds=1 msgs_per_sec=10 status=ok",
                "sensorpub QoS 0\tclient=sensorpub qos=0 status=failed note=exit 1: unknown command 'bench'",
                "Paho QoS 0 w10\tclient=paho qos=0 count=10 seconds=0.001 msgs_per_sec=10000 status=ok"
                        + " note=subscriber not run");
        assertEquals(HEADER + """
                | sensorpub QoS 0 | FAILED: exit 1: unknown command 'bench' | | | | | | | | |
                | Paho QoS 0 w10 | 10000 | 10000 - 10000 (1) | n/a | 1.00x | 0.001 | - / - | - | - \
                | - (subscriber not run) |
                """, EndToEndTable.render(EndToEndTable.parse(lines)));
    }

    @Test
    void startUpRunsGoToTheirOwnTable() {
        List<String> lines = List.of(
                "without AppCDS\tkind=startup client=sensorpub wall_ms=612 runs=5 status=ok",
                "with AppCDS\tkind=startup client=sensorpub status=failed note=archive not created");
        assertEquals(HEADER + """

                | start-up: `java -jar` to first PUBACK, whole process | wall ms (median) | runs |
                |---|---|---|
                | without AppCDS | 612 | 5 |
                | with AppCDS | FAILED: archive not created | - |
                """, EndToEndTable.render(EndToEndTable.parse(lines)));
    }

    @Test
    void aLineWithoutLabelOrWithABarePairIsRejectedWithTheLine() {
        IllegalArgumentException noTab = assertThrows(IllegalArgumentException.class,
                () -> EndToEndTable.parse(List.of("client=paho qos=0")));
        assertEquals("run line without a tab after its label: client=paho qos=0", noTab.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> EndToEndTable.parse(List.of("x\tclient=paho oops")));
        assertEquals("'oops' is not key=value in: x\tclient=paho oops", bare.getMessage());
    }
}
