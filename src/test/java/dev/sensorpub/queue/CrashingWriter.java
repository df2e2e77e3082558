package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link FileQueueCrashTest}: appends numbered messages to a file queue
 * with an fsync per record and prints each sequence once it is durable, until it is killed.
 * Bounded: stops by itself after {@code args[1]} messages.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        int limit = Integer.parseInt(args[1]);
        try (FileQueue queue = FileQueue.open(directory, 1 << 20, 100_000, OverflowPolicy.DROP_OLDEST,
                FsyncPolicy.everyRecords(1), 256)) {
            byte[] topic = "crash/test".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < limit; i++) {
                byte[] payload = ("m" + queue.nextSequence()).getBytes(StandardCharsets.UTF_8);
                long sequence = queue.append(topic, 0, topic.length, payload, 0, payload.length, 1, false, i, 0);
                System.out.println(sequence);
                System.out.flush();
            }
        }
    }
}
