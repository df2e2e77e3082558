package dev.sensorpub.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sensorpub.testing.AllocationMeter;
import dev.sensorpub.testing.CapturedLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How systemd's variables turn notification and the watchdog on; the pings themselves: AgentHealthProcessTest. */
class SystemdNotifierTest {
    private static final long PID = 4242;

    @Test
    void withoutNotifySocketNothingIsSentAndTheLoopIsNeverWokenForIt() {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000"), PID, "true")) {
            assertFalse(n.enabled());
            n.iterationDone(0);
            assertEquals(Long.MAX_VALUE, n.nextDeadlineMillis());
        }
    }

    @Test
    void theWatchdogPingsThreeTimesPerPeriodFromTheFirstIterationOn() {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                "WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "4242"), PID, "true")) {
            assertTrue(n.enabled());
            assertEquals(20_000, n.pingEveryMillis());
            assertEquals(Long.MAX_VALUE, n.nextDeadlineMillis());
            n.iterationDone(1_000);
            assertEquals(21_000, n.nextDeadlineMillis());
            n.iterationDone(20_999);
            assertEquals(21_000, n.nextDeadlineMillis(), "not due yet");
            n.iterationDone(21_000);
            assertEquals(41_000, n.nextDeadlineMillis());
        }
    }

    @Test
    void aWatchdogMeantForAnotherProcessOrWithoutANumberIsNotPinged() {
        try (SystemdNotifier other = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                "WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "1"), PID, "true");
             SystemdNotifier garbled = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                     "WATCHDOG_USEC", "60s"), PID, "true")) {
            assertTrue(other.enabled());
            assertEquals(0, other.pingEveryMillis());
            other.iterationDone(0);
            assertEquals(Long.MAX_VALUE, other.nextDeadlineMillis());
            assertEquals(0, garbled.pingEveryMillis());
        }
    }

    @Test
    void aWatchdogShorterThanThreeOfTheShortestPingGapsIsNamedAtStart() {
        try (CapturedLog log = new CapturedLog();
             SystemdNotifier shortest = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                     "WATCHDOG_USEC", "300000"), PID, "true")) {
            assertEquals(100, shortest.pingEveryMillis());
            assertEquals(List.of(), log.containing("WARN"), "300 ms gets its three pings");
            try (SystemdNotifier tooShort = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                    "WATCHDOG_USEC", "200000"), PID, "true")) {
                assertEquals(100, tooShort.pingEveryMillis(), "no faster than one systemd-notify per 100 ms");
                assertEquals(List.of("WARN agent systemd: WatchdogSec 200 ms is under the 300 ms supported; "
                        + "pings may come late"), log.containing("WARN"));
            }
        }
    }

    @Test
    void aSystemdNotifyThatCannotRunIsOneWarningInPlainWords() throws InterruptedException {
        try (CapturedLog log = new CapturedLog();
             SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                     "WATCHDOG_USEC", "60000000"), PID, "/nonexistent/systemd-notify")) {
            n.iterationDone(0);
            for (int i = 0; i < 500 && log.containing("failed").isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertEquals(List.of("WARN agent systemd: /nonexistent/systemd-notify failed (Cannot run program "
                    + "\"/nonexistent/systemd-notify\": error=2, No such file or directory); if it lasts, "
                    + "the watchdog restarts sensorpub"), log.containing("failed"));
        }
    }

    @Test
    void askingForPingsAllocatesNothingOnTheLoop() {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/nonexistent/notify",
                "WATCHDOG_USEC", "300000"), PID, "true")) {
            long[] now = {0};
            long bytes = AllocationMeter.steadyStateBytes(10_000, () -> n.iterationDone(now[0] += 100));
            assertEquals(0, bytes);
        }
    }
}
