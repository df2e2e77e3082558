package dev.sensorpub.log;

import dev.sensorpub.time.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogTest {
    private Log.Sink previous;

    @BeforeEach
    void remember() {
        previous = Log.sink();
    }

    @AfterEach
    void restore() {
        Log.install(previous);
    }

    @Test
    void componentNamesAreShortLowerCaseWords() {
        for (String ok : new String[] {"agent", "mqtt", "queue", "sensor", "tls", "config", "pi4j"}) {
            assertEquals(ok, Log.logger(ok).component());
        }
        assertEquals("log component 'transport' must be 1 to 6 characters",
                assertThrows(IllegalArgumentException.class, () -> Log.logger("transport")).getMessage());
        assertEquals("log component 'MQTT' may only hold lower-case letters and digits",
                assertThrows(IllegalArgumentException.class, () -> Log.logger("MQTT")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Log.logger(""));
        assertThrows(IllegalArgumentException.class, () -> Log.logger(null));
    }

    @Test
    void loggersWriteThroughTheConfiguredSink() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:15:02.123Z"));
        Captured stdout = new Captured();
        ConsoleSink sink = Log.configure(new LogSettings(Level.DEBUG, null, Duration.ofSeconds(10), false), clock,
                LineOutput.stdout(stdout));
        assertSame(sink, Log.sink());
        Logger log = Log.logger("tls");
        assertTrue(log.isDebugEnabled());
        log.debug("handshake started");
        log.info("handshake done");
        log.error("handshake failed", new IOException("bad certificate"));
        assertEquals(List.of("2026-11-21T10:15:02.123Z DEBUG tls    handshake started",
                "2026-11-21T10:15:02.123Z INFO  tls    handshake done",
                "2026-11-21T10:15:02.123Z ERROR tls    handshake failed: bad certificate"), stdout.lines());
    }

    @Test
    void tickAndFlushReachTheInstalledSink() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:15:02.123Z"));
        Captured stdout = new Captured();
        Log.configure(new LogSettings(Level.INFO, null, Duration.ofSeconds(10), false), clock,
                LineOutput.stdout(stdout));
        Logger log = Log.logger("queue");
        log.warn("file queue 90% full");
        log.warn("file queue 90% full");
        log.warn("file queue 90% full");
        clock.advance(Duration.ofSeconds(10));
        Log.tick();
        log.warn("file queue 90% full");
        Log.flush();
        assertEquals(List.of("file queue 90% full", "2 more: file queue 90% full",
                "1 more: file queue 90% full"), stdout.messages());
    }

    @Test
    void theDefaultStdoutFollowsSystemSetOut() {
        PrintStream original = System.out;
        Captured redirected = new Captured();
        try {
            Log.configure(LogSettings.defaults(), new ManualClock(Instant.parse("2026-11-21T10:15:02.123Z")),
                    LineOutput.systemOut());
            System.setOut(new PrintStream(redirected, true, StandardCharsets.US_ASCII));
            Log.logger("agent").info("after redirect");
        } finally {
            System.setOut(original);
        }
        assertEquals(List.of("2026-11-21T10:15:02.123Z INFO  agent  after redirect"), redirected.lines());
    }

    @Test
    void aSinkWithoutThrowableSupportStillGetsTheOneLineDescription() {
        StringBuilder seen = new StringBuilder();
        Log.install(new Log.Sink() {
            @Override
            public boolean enabled(Level level) {
                return level != Level.DEBUG;
            }

            @Override
            public void write(Level level, String component, String message) {
                seen.append(level).append(' ').append(component).append(' ').append(message).append('|');
            }
        });
        Logger log = Log.logger("agent");
        log.debug("hidden", new IOException("x"));
        log.warn("stopping", new IOException("x"));
        assertFalse(log.isDebugEnabled());
        assertEquals("WARN agent stopping: x|", seen.toString());
    }

    @Test
    void settingsRejectMissingLevelAndNegativeWindowAndTreatBlankSerialAsNone() {
        assertEquals("log.level must be set (debug, info, warn or error)", assertThrows(IllegalArgumentException.class,
                () -> new LogSettings(null, null, Duration.ZERO, false)).getMessage());
        assertEquals("log.fold-window must be zero or more, was PT-1S", assertThrows(IllegalArgumentException.class,
                () -> new LogSettings(Level.INFO, null, Duration.ofSeconds(-1), false)).getMessage());
        assertNull(new LogSettings(Level.INFO, "  ", Duration.ZERO, false).serialPath());
        assertFalse(new LogSettings(Level.INFO, null, Duration.ZERO, true).printsStackTraces());
        assertTrue(new LogSettings(Level.DEBUG, null, Duration.ZERO, true).printsStackTraces());
    }
}
