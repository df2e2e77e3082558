package dev.sensorpub.bench;

import dev.sensorpub.queue.FileQueue;
import dev.sensorpub.queue.FsyncPolicy;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueuedRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes written per message by the file queue, as the program hands them to the file system and
 * as the kernel sends them to the block device ({@code write_bytes} in /proc/self/io, Linux only).
 * Usage: {@code QueueWriteVolume [messages] [messagesPerSecondOfSimulatedTime]}.
 */
public final class QueueWriteVolume {
    private QueueWriteVolume() {
    }

    public static void main(String[] args) throws IOException {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path directory = Files.createTempDirectory("queue-volume");
        long deviceBefore = deviceWriteBytes();
        long written;
        try (FileQueue queue = FileQueue.open(directory, QueueBenchmark.CAPACITY, 100_000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.DEFAULT, 256)) {
            QueuedRecord record = new QueuedRecord();
            long now = 0;
            for (int i = 0; i < messages; i++) {
                now = (long) i * 1000 / perSecond;
                long sequence = queue.append(QueueBenchmark.TOPIC, 0, QueueBenchmark.TOPIC.length,
                        QueueBenchmark.PAYLOAD, 0, QueueBenchmark.PAYLOAD.length, 1, false, now, 0);
                queue.next(record, now);
                queue.confirm(sequence);
                queue.tick(now);
            }
            queue.sync();
            written = queue.bytesWritten();
        }
        long device = deviceWriteBytes() - deviceBefore;
        int record = 40 + QueueBenchmark.TOPIC.length + QueueBenchmark.PAYLOAD.length;
        System.out.printf("%d messages (record %d bytes, %d stored), %d msg/s simulated, fsync every 1 s%n",
                messages, record, (record + 7) & -8, perSecond);
        System.out.printf("handed to the file system: %.1f bytes/message (%.2fx the record)%n",
                (double) written / messages, (double) written / messages / record);
        if (device >= 0) {
            System.out.printf("sent to the block device (/proc/self/io write_bytes): %.1f bytes/message%n",
                    (double) device / messages);
        }
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static long deviceWriteBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring(12).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
