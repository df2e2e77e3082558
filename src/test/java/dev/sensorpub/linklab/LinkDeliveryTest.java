package dev.sensorpub.linklab;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AgentCommand;
import dev.sensorpub.testing.LinkShape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery on kernel-shaped links, the agent as its own process: the short subset of
 * {@code scripts/bench.sh links} that runs with every build.
 */
class LinkDeliveryTest {
    @TempDir
    Path dir;

    private LinkResult run(LinkScenario scenario) throws Exception {
        return LinkRun.run(scenario, mapping -> AgentCommand.fromTestClasspath(mapping.toString()), dir);
    }

    private static void assertDeliveryHolds(LinkResult r) {
        String what = r.summary();
        System.out.println(what);
        assertAll(what,
                () -> assertTrue(r.produced() > 0, "the agent took readings: " + what),
                () -> assertEquals(0, r.lost(), "lost: " + what),
                () -> assertTrue(r.behind() <= LinkResult.BEHIND_ALLOWED, "behind at the stop: " + what),
                () -> assertEquals(r.connectsDue(), r.connects(), "connects: " + what),
                () -> assertTrue(r.duplicates() <= r.duplicatesAllowed(), "duplicates: " + what),
                () -> assertEquals(0, r.outOfOrder(), "first arrivals out of order: " + what),
                () -> assertTrue(r.drained(), "backlog drained: " + what));
    }

    @Test
    void aThinSharedLinkWithAFifteenSecondBlackHoleLosesNothingAndReconnectsOnce() throws Exception {
        assertDeliveryHolds(run(new LinkScenario(LinkShape.sharedMedium(16), 1, 10_000, 15_000, 60_000, 5_000)));
    }

    @Test
    void aQos0BacklogLongerThanTheKeepAliveToCrossIsNotResentForever() throws Exception {
        // 40 s of readings at 8 kbit/s take about 6 s to cross: longer than a 5 s keep alive.
        assertDeliveryHolds(run(new LinkScenario(LinkShape.fullDuplex(8), 0, 10_000, 40_000, 60_000, 5_000)));
    }

    @Test
    void aLossyLinkLosesNothingAndKeepsItsOneConnection() throws Exception {
        assertDeliveryHolds(run(new LinkScenario(LinkShape.fullDuplex(64).withLoss(5), 1, 30_000, 0, 0, 0)));
    }
}
