package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sensorpub.log.Log;
import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitedWarningTest {
    private static final long SECOND = 1_000_000_000L;
    private CapturedLog log;

    @BeforeEach
    void captureLog() {
        log = new CapturedLog();
    }

    @AfterEach
    void restoreLog() {
        log.close();
    }

    @Test
    void reportsTheFirstEventAtOnceThenAtMostOneLinePerIntervalWithTheCount() {
        RateLimitedWarning warning = new RateLimitedWarning(Log.logger("queue"), "dropped oldest messages", 10 * SECOND);
        warning.occurred(5 * SECOND);
        for (int i = 0; i < 1000; i++) {
            warning.occurred(6 * SECOND);
        }
        warning.occurred(15 * SECOND);
        assertEquals(List.of(
                "WARN queue dropped oldest messages: 1 (sums every 10 s)",
                "WARN queue dropped oldest messages: 1001 since last line"), log.lines());
    }

    @Test
    void aFullQueueLogsOneLineNotOnePerDrop() {
        MemoryQueue queue = new MemoryQueue(1024, 2, OverflowPolicy.DROP_OLDEST, 64);
        for (int i = 0; i < 500; i++) {
            Messages.append(queue, "m" + i);
        }
        assertEquals(498, queue.counters().droppedOverflow());
        assertEquals(1, log.lines().size(), log.lines().toString());
    }

    @Test
    void aBurstOfDropsThatStopsInsideTheIntervalIsReportedWithItsExactCountAtTheNextTick() {
        MemoryQueue queue = new MemoryQueue(1024, 2, OverflowPolicy.DROP_OLDEST, 64);
        queue.tick(1_000);
        for (int i = 0; i < 788; i++) {
            Messages.append(queue, "m" + i);
        }
        assertEquals(786, queue.counters().droppedOverflow());
        queue.tick(10_999);
        assertEquals(1, log.lines().size(), log.lines().toString());
        queue.tick(11_000);
        assertEquals(List.of(
                "WARN queue queue full (1024 B, 2 msgs), dropped oldest: 1 (sums every 10 s)",
                "WARN queue queue full (1024 B, 2 msgs), dropped oldest: 785 since last line"),
                log.lines());
        queue.tick(30_000);
        assertEquals(2, log.lines().size(), "nothing more to report");
    }
}
