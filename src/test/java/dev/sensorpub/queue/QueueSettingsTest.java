package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QueueSettingsTest {
    @Test
    void defaultsAreAMemoryQueueWithDropOldestAndAOneSecondFsync() {
        QueueSettings defaults = QueueSettings.defaults();
        assertEquals(QueueSettings.Type.MEMORY, defaults.type());
        assertEquals(OverflowPolicy.DROP_OLDEST, defaults.overflow());
        assertEquals(FsyncPolicy.everyMillis(1000), defaults.fsync());
        assertEquals(0, defaults.flushRatePerSecond());
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndValue() {
        assertRefused("queue.capacity 100", () -> settings(QueueSettings.Type.MEMORY, null, 100, 10, 0));
        assertRefused("queue.max-messages 0", () -> settings(QueueSettings.Type.MEMORY, null, 4096, 0, 0));
        assertRefused("queue.flush-rate -3", () -> settings(QueueSettings.Type.MEMORY, null, 4096, 10, -3));
        assertRefused("queue.path is required", () -> settings(QueueSettings.Type.FILE, null, 4096, 10, 0));
        assertRefused("fsync EVERY_RECORDS needs an amount of at least 1, got 0",
                () -> FsyncPolicy.everyRecords(0));
    }

    private static QueueSettings settings(QueueSettings.Type type, Path path, long capacity, int max, int rate) {
        return new QueueSettings(type, path, capacity, max, OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, rate);
    }

    private static void assertRefused(String expected, Runnable build) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
