package dev.sensorpub.queue;

import dev.sensorpub.testing.CapturedLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Crash consistency of the file queue: random workloads (appends, out-of-order confirms, rewinds,
 * ticks, syncs, drop-oldest on a small ring, killed processes) run on a {@link SimulatedDisk};
 * then every disk state {@link PowerCutStates} builds from the trace is recovered and checked.
 *
 * <p>{@code -Dsensorpub.powercuts=N} (or {@code scripts/bench.sh crash}) raises the number of
 * simulated power cuts from the suite's 12,000.
 */
class FileQueuePowerCutTest {
    private static final int POWER_CUTS = Integer.getInteger("sensorpub.powercuts", 12_000);
    private static final int STEPS = 400;
    private static final int MAX_RECORD = 200;
    private static final byte[] TOPIC = "t/x".getBytes(StandardCharsets.UTF_8);
    private static final Path DIRECTORY = Path.of("simulated");

    /** What the workload did: each sequence's payload, the trace index of its write and of its confirm or drop. */
    private static final class History {
        final Map<Long, String> payloads = new HashMap<>();
        final Map<Long, Integer> writtenAt = new HashMap<>();
        final Map<Long, Integer> goneAt = new HashMap<>();
        final List<Long> live = new ArrayList<>();

        void gone(long sequence, int operation) {
            if (goneAt.putIfAbsent(sequence, operation) == null) {
                live.remove(Long.valueOf(sequence));
            }
        }
    }

    private record Workload(int capacity, int maxMessages, FsyncPolicy fsync) {
        FileQueue open(StorageOpener opener) throws IOException {
            return FileQueue.open(DIRECTORY, capacity, maxMessages, OverflowPolicy.DROP_OLDEST, fsync, MAX_RECORD,
                    opener);
        }
    }

    @Test
    void noPowerCutLosesADurableUnconfirmedRecordOrDeliversOneNeverAppended() throws IOException {
        long started = System.nanoTime();
        long cuts = 0;
        int seeds = 0;
        try (CapturedLog ignored = new CapturedLog()) {
            while (cuts < POWER_CUTS) {
                cuts += runSeed(seeds++);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("power cuts simulated: " + cuts + " over " + seeds + " workloads in " + millis + " ms");
        assertTrue(cuts >= 10_000, cuts + " power cuts");
    }

    @Test
    void anOlderVersionsFileGoingOnAndStartedAfreshLosesNothingAtAnyPowerCut() throws IOException {
        long cuts = 0;
        int seeds = 0;
        try (CapturedLog ignored = new CapturedLog()) {
            while (cuts < POWER_CUTS / 4) {
                cuts += runSeed(seeds++, true);
            }
        }
        assertTrue(cuts >= 2_500, cuts + " power cuts");
    }

    private long runSeed(int seed) throws IOException {
        return runSeed(seed, false);
    }

    private long runSeed(int seed, boolean olderFile) throws IOException {
        Random random = new Random(seed);
        FsyncPolicy fsync = switch (seed % 3) {
            case 0 -> FsyncPolicy.everyMillis(1000);
            case 1 -> FsyncPolicy.everyRecords(1 + random.nextInt(4));
            default -> FsyncPolicy.never();
        };
        Workload workload = new Workload(2048 + 1024 * random.nextInt(3), 8 + random.nextInt(40), fsync);
        SimulatedDisk disk = new SimulatedDisk();
        History history = new History();
        if (olderFile) {
            writeOlderFile(workload, disk, history, random);
        }
        run(workload, disk, history, random);
        PowerCutStates states = new PowerCutStates(disk.trace(), random, 3, 2);
        return states.run(1, (cut, variant, images, lastForce) ->
                check(workload, history, cut, images, lastForce.getOrDefault(FileRing.RING_FILE, -1),
                        "seed " + seed + ", " + workload + ", cut after operation " + cut + " (" + variant + ")"));
    }

    private static void run(Workload workload, SimulatedDisk disk, History history, Random random) throws IOException {
        FileQueue queue = workload.open(disk.opener());
        QueuedRecord record = new QueuedRecord();
        long now = 0;
        queue.tick(now);
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(100);
            int before = disk.operations();
            if (action < 45) {
                long sequence = queue.nextSequence();
                String payload = "m" + sequence + "-".repeat(random.nextInt(150));
                byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
                assertEquals(sequence, queue.append(TOPIC, 0, TOPIC.length, bytes, 0, bytes.length, 1, false, 0, 0));
                history.payloads.put(sequence, payload);
                history.writtenAt.put(sequence, lastWrite(disk, before));
                history.live.add(sequence);
                for (Long old : new ArrayList<>(history.live)) {
                    if (old < queue.oldestSequence()) {
                        history.gone(old, before);
                    }
                }
            } else if (action < 70) {
                List<Long> taken = new ArrayList<>();
                for (int k = random.nextInt(6); k > 0 && queue.next(record, now); k--) {
                    taken.add(record.sequence());
                }
                for (long sequence : taken) {
                    if (random.nextInt(4) > 0) {
                        queue.confirm(sequence);
                        history.gone(sequence, before);
                    }
                }
            } else if (action < 90) {
                now += random.nextInt(1500);
                queue.tick(now);
            } else if (action < 93) {
                queue.rewind();
            } else if (action < 95) {
                queue.sync();
            } else if (action < 97) {
                long next = queue.nextSequence();
                queue = workload.open(disk.opener()); // kill -9: the page cache keeps every write
                assertEquals(next, queue.nextSequence(), "a killed process loses no sequence");
                queue.tick(now);
            }
        }
    }

    /**
     * A ring file and checkpoint of the version before the header (records from offset 0, salt-less
     * CRCs), made durable before the workload opens it; the checkpoint says some are done.
     */
    private static void writeOlderFile(Workload workload, SimulatedDisk disk, History history, Random random)
            throws IOException {
        StorageOpener opener = disk.opener();
        ByteBuffer ring = ByteBuffer.allocate(workload.capacity());
        int records = 1 + random.nextInt(12);
        long floor = 1 + random.nextInt(records + 1);
        int at = 0;
        for (long sequence = 1; sequence <= records; sequence++) {
            String payload = "m" + sequence + "-".repeat(random.nextInt(100));
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            RecordFormat.encode(ring, at, sequence, TOPIC, 0, TOPIC.length, bytes, 0, bytes.length, 1, false, 0, 0);
            RecordFormat.seal(ring, at, new CRC32C(), null);
            at += RecordFormat.storedLength(TOPIC.length, bytes.length);
            history.payloads.put(sequence, payload);
            history.writtenAt.put(sequence, -1);
            if (sequence < floor) {
                history.goneAt.put(sequence, -1);
            } else {
                history.live.add(sequence);
            }
        }
        try (StorageFile file = opener.open(DIRECTORY.resolve(FileRing.RING_FILE))) {
            ring.clear();
            file.write(ring, 0);
            file.force();
        }
        try (Checkpoint checkpoint = new Checkpoint(opener.open(DIRECTORY.resolve(FileRing.CHECKPOINT_FILE)), true)) {
            checkpoint.write(floor, workload.capacity());
            checkpoint.force();
        }
    }

    /** Index of the last write to the ring since operation {@code from}: the record just appended. */
    private static int lastWrite(SimulatedDisk disk, int from) {
        List<SimulatedDisk.Operation> trace = disk.trace();
        for (int i = trace.size() - 1; i >= from; i--) {
            if (!trace.get(i).isForce() && trace.get(i).file().equals(FileRing.RING_FILE)) {
                return i;
            }
        }
        throw new AssertionError("append wrote nothing to the ring");
    }

    private static void check(Workload workload, History history, int cut, Map<String, byte[]> images,
                              int lastRingForce, String where) {
        FileQueue queue;
        try {
            queue = workload.open(new SimulatedDisk(images).opener());
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(where + ": recovery failed: " + e, e);
        }
        assertFalse(queue.inMemoryFallback(), where);
        Set<Long> delivered = new LinkedHashSet<>();
        QueuedRecord record = new QueuedRecord();
        long previous = 0;
        while (queue.next(record, 0)) {
            long sequence = record.sequence();
            String appended = history.payloads.get(sequence);
            assertNotNull(appended, where + ": delivered sequence " + sequence + ", never appended");
            assertEquals(appended, Messages.payload(record), where + ": payload of " + sequence);
            assertEquals("t/x", Messages.topic(record), where);
            assertTrue(sequence > previous, where + ": " + sequence + " after " + previous);
            previous = sequence;
            delivered.add(sequence);
        }
        for (Map.Entry<Long, Integer> written : history.writtenAt.entrySet()) {
            long sequence = written.getKey();
            boolean durable = written.getValue() < lastRingForce;
            boolean unconfirmed = history.goneAt.getOrDefault(sequence, Integer.MAX_VALUE) > cut;
            if (durable && unconfirmed && !delivered.contains(sequence)) {
                fail(where + ": durable unconfirmed record " + sequence + " lost; recovered " + delivered);
            }
        }
        assertTrue(queue.nextSequence() > previous, where);
        queue.close();
    }
}
