package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void sizesTheHeapCannotHoldAreRefusedWithTheNumbers() {
        long heap = 256L << 20;
        QueueSettings gib = new QueueSettings(QueueSettings.Type.MEMORY, Path.of("q"), 1L << 30, 100_000,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        assertEquals("1073741824 bytes with queue.max-messages 100000 take 1077441824 bytes of heap; with"
                + " mqtt.max-packet-size 262144 and 32 MiB for the rest that is 1059 MiB, but the JVM may use 256 MiB"
                + " (-Xmx): lower them or raise -Xmx", gib.heapProblem(heap, 256 * 1024));
        QueueSettings manyMessages = new QueueSettings(QueueSettings.Type.FILE, Path.of("q"), 8L << 20, 100_000_000,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        assertTrue(manyMessages.heapProblem(heap, 256 * 1024).contains("queue.max-messages 100000000 take"));
        assertNull(QueueSettings.defaults().heapProblem(heap, 256 * 1024), "the defaults fit a 1 GiB Pi's default heap");
        QueueSettings fileGib = new QueueSettings(QueueSettings.Type.FILE, Path.of("q"), 1L << 30, 100_000,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        assertNull(fileGib.heapProblem(heap, 256 * 1024), "a file queue keeps only an eighth in memory: "
                + fileGib.heapBytes());
        assertTrue(new QueueSettings(QueueSettings.Type.MEMORY, Path.of("q"), 8L << 20, 1000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.DEFAULT, 0).heapProblem(40L << 20, 268_435_455) != null, "a 256 MiB packet limit counts");
    }

    @Test
    void aFileQueueLargerThanItsFileSystemIsRefusedWithTheNumbers(@TempDir Path temp) {
        QueueSettings settings = new QueueSettings(QueueSettings.Type.FILE, temp.resolve("q"), 1 << 20, 100,
                OverflowPolicy.DROP_OLDEST, FsyncPolicy.DEFAULT, 0);
        assertEquals("1048576 bytes for the file queue in " + temp.resolve("q") + ", but its file system has 500000"
                + " bytes free: lower queue.capacity or free space", settings.storageProblem(500_000, 0));
        assertNull(settings.storageProblem(500_000, 1 << 20), "a ring already there needs no more space");
        assertNull(settings.storageProblem(-1, 0), "unknown free space is not a problem");
        assertNull(settings.storageProblem(), "the test's file system holds 1 MiB");
        assertNull(QueueSettings.defaults().storageProblem(), "a memory queue needs no file system");
    }
}
