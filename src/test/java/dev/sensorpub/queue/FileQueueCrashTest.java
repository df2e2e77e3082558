package dev.sensorpub.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL while appending loses nothing it reported as synced. */
class FileQueueCrashTest {
    private static final int KILL_AFTER = 300;
    private static final long TIMEOUT_MILLIS = 60_000;

    @TempDir
    Path directory;

    @Test
    void everyRecordSyncedBeforeSigkillIsThereAfterRestart() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), directory.toString(), "1000000")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long lastSynced = 0;
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while (lastSynced < KILL_AFTER && System.currentTimeMillis() < deadline
                    && (line = lines.readLine()) != null) {
                if (line.matches("[0-9]+")) {
                    lastSynced = Long.parseLong(line);
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child ended");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(lastSynced >= KILL_AFTER, "child synced " + lastSynced + " records before the deadline");

        try (FileQueue queue = FileQueue.open(directory, 1 << 20, 100_000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.everyRecords(1), 256)) {
            QueuedRecord record = new QueuedRecord();
            long expected = 1;
            while (queue.next(record, 0)) {
                assertEquals(expected, record.sequence());
                assertEquals("m" + expected, Messages.payload(record));
                expected++;
            }
            assertTrue(expected - 1 >= lastSynced, "recovered up to " + (expected - 1) + ", synced " + lastSynced);
            assertEquals(0, queue.counters().corruptSkipped());
            assertEquals(expected, queue.append(new byte[] {'t'}, 0, 1, new byte[0], 0, 0, 0, false, 0, 0));
        }
    }
}
