package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the file queue costs an SD card: fsyncs and bytes per reading over a simulated hour at 10
 * readings/s with {@code queue.fsync = 1s}, online, offline, and offline with a full queue
 * (drop-oldest). The documented bound: at most one ring fsync per fsync interval and one
 * checkpoint fsync per {@link FileQueue#CHECKPOINT_INTERVAL_MILLIS}, whatever the overflow does.
 */
class FileQueueFlashWearTest {
    private static final long HOUR_MILLIS = 3_600_000;
    private static final long READING_EVERY_MILLIS = 100;
    private static final int PAGE = 4096;
    private static final byte[] TOPIC = "sensors/kitchen/temperature".getBytes(StandardCharsets.UTF_8);
    /** Documented per hour at fsync = 1s: 3,600 of the ring plus 360 of the checkpoint. */
    private static final long FSYNC_BOUND_PER_HOUR = HOUR_MILLIS / 1000 + HOUR_MILLIS / FileQueue.CHECKPOINT_INTERVAL_MILLIS;

    private enum Link { ONLINE, OFFLINE, OFFLINE_FULL }

    private record Wear(long readings, long fsyncs, long bytesToFileSystem, long bytesToDevice) {
        @Override
        public String toString() {
            return String.format("%d readings: %d fsyncs, %.1f bytes/reading to the file system,"
                    + " %.1f bytes/reading to the device (4 KiB pages per fsync)", readings, fsyncs,
                    (double) bytesToFileSystem / readings, (double) bytesToDevice / readings);
        }
    }

    @Test
    void aFullQueueOfflineForAnHourAtTenReadingsASecondStaysWithinTheDocumentedFsyncBound() throws IOException {
        Wear full = hour(Link.OFFLINE_FULL);
        System.out.println("flash wear, full queue offline, " + full);
        assertTrue(full.fsyncs <= FSYNC_BOUND_PER_HOUR, full.fsyncs + " fsyncs in an hour, bound " + FSYNC_BOUND_PER_HOUR);
        assertTrue(full.fsyncs >= HOUR_MILLIS / 1000, "data was synced every second: " + full.fsyncs);
    }

    @Test
    void onlineAndOfflineCostTheSameFsyncsAndAboutAPagePerFsync() throws IOException {
        for (Link link : List.of(Link.ONLINE, Link.OFFLINE)) {
            Wear wear = hour(link);
            System.out.println("flash wear, " + link.name().toLowerCase() + ", " + wear);
            assertTrue(wear.fsyncs <= FSYNC_BOUND_PER_HOUR, link + ": " + wear.fsyncs + " fsyncs");
            assertTrue(wear.bytesToDevice <= 2L * PAGE * wear.fsyncs, link + ": at most two pages per fsync");
        }
    }

    private static Wear hour(Link link) throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        long capacity = link == Link.OFFLINE_FULL ? 16 * 1024 : 8L << 20;
        try (CapturedLog ignored = new CapturedLog();
             FileQueue queue = FileQueue.open(Path.of("q"), capacity, 100_000, OverflowPolicy.DROP_OLDEST,
                     FsyncPolicy.everyMillis(1000), 256, disk.opener())) {
            int from = disk.operations();
            long fsyncsAtOpen = queue.fsyncs();
            QueuedRecord record = new QueuedRecord();
            long readings = 0;
            for (long now = 0; now < HOUR_MILLIS; now += READING_EVERY_MILLIS) {
                byte[] payload = ("{\"t\":21." + now % 10 + "}").getBytes(StandardCharsets.UTF_8);
                queue.append(TOPIC, 0, TOPIC.length, payload, 0, payload.length, 1, false, now, 0);
                readings++;
                if (link == Link.ONLINE) {
                    while (queue.next(record, now)) {
                        queue.confirm(record.sequence());
                    }
                }
                queue.tick(now);
            }
            return measure(disk.trace().subList(from, disk.operations()), readings, queue.fsyncs() - fsyncsAtOpen);
        }
    }

    /** Bytes written, and the 4 KiB pages each fsync sends to the device (pages dirtied since that file's last fsync). */
    private static Wear measure(List<SimulatedDisk.Operation> trace, long readings, long fsyncs) {
        Map<String, Set<Long>> dirty = new HashMap<>();
        long written = 0;
        long device = 0;
        for (SimulatedDisk.Operation operation : trace) {
            Set<Long> pages = dirty.computeIfAbsent(operation.file(), file -> new HashSet<>());
            if (operation.isForce()) {
                device += (long) PAGE * pages.size();
                pages.clear();
            } else {
                written += operation.bytes().length;
                long first = operation.offset() / PAGE;
                long last = (operation.offset() + operation.bytes().length - 1) / PAGE;
                for (long page = first; page <= last; page++) {
                    pages.add(page);
                }
            }
        }
        return new Wear(readings, fsyncs, written, device);
    }
}
