package dev.sensorpub.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab itself: the kernel shapes, cuts and counts the broker's port, and nothing else. */
class LinkLabTest {
    private static final String PAYLOAD = "x".repeat(10_000);

    @TempDir
    Path dir;

    private static long publishMillis(NetworkNamespace ns, int port, String topic, String payload) {
        long start = System.nanoTime();
        ns.exec("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1", "-t", topic, "-m", payload);
        return (System.nanoTime() - start) / 1_000_000L;
    }

    @Test
    void theBrokerPortRunsAtTheLinkRateAndTheObserverPortIsNotShaped() {
        try (LinkLab lab = LinkLab.open(LinkShape.fullDuplex(16), "lab/beat", dir)) {
            ShapedLoopback.LinkCounters before = lab.counters();
            // 10,000 bytes at 16 kbit/s: 5 s on the wire, less what htb lets through at once (its burst
            // of one packet, and one packet sent on credit): about 3,000 bytes.
            long shaped = publishMillis(lab.namespace(), LinkLab.BROKER_PORT, "lab/big", PAYLOAD);
            long unshaped = publishMillis(lab.namespace(), LinkLab.OBSERVER_PORT, "lab/big", PAYLOAD);
            ShapedLoopback.LinkCounters crossed = lab.counters().minus(before);
            assertTrue(shaped >= 3_500 && shaped < 10_000, "shaped publish took " + shaped + " ms");
            assertTrue(unshaped < 1_500, "unshaped publish took " + unshaped + " ms");
            assertTrue(crossed.upPayloadBytes() >= 10_000 && crossed.upPayloadBytes() < 15_000,
                    "MQTT bytes counted uplink: " + crossed);
            assertTrue(crossed.downPackets() > 0, "the PUBACK and ACKs came down: " + crossed);
        }
    }

    @Test
    void aBlackHoleSwallowsTheBrokerPortSilentlyUntilItIsRemoved() throws Exception {
        try (LinkLab lab = LinkLab.open(LinkShape.sharedMedium(64), "lab/beat", dir)) {
            NetworkNamespace ns = lab.namespace();
            lab.blackHole(true);
            NetworkNamespace.Result cut = ns.run("timeout", "3", "mosquitto_pub", "-h", "127.0.0.1", "-p",
                    String.valueOf(LinkLab.BROKER_PORT), "-q", "1", "-t", "lab/beat", "-m", "1");
            // No reset, no error: the connect just hangs until timeout(1) kills it.
            assertEquals(124, cut.exitCode(), "mosquitto_pub through the black hole: " + cut.output());
            publishMillis(ns, LinkLab.OBSERVER_PORT, "lab/beat", "0"); // the observer port is not cut
            assertTrue(lab.arrivals().awaitPrefix(1, 5_000) >= 0, lab.arrivals().toString());

            lab.blackHole(false);
            publishMillis(ns, LinkLab.BROKER_PORT, "lab/beat", "1");
            assertTrue(lab.arrivals().awaitPrefix(2, 5_000) >= 0, lab.arrivals().toString());
            assertEquals(0, lab.arrivals().duplicates());
        }
    }

    @Test
    void closingDeletesTheNamespace() {
        String name;
        try (LinkLab lab = LinkLab.open(LinkShape.fullDuplex(64).withLoss(5), "lab/beat", dir)) {
            name = lab.namespace().name();
            assertTrue(lab.namespace().exec("iptables", "-S", "INPUT").contains("statistic --mode random"));
        }
        NetworkNamespace probe = NetworkNamespace.create();
        try {
            assertTrue(!probe.name().equals(name));
        } finally {
            probe.close();
        }
        assertTrue(!new java.io.File("/run/netns/" + name).exists(), name + " still exists");
    }
}
