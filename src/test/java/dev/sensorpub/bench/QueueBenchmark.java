package dev.sensorpub.bench;

import dev.sensorpub.queue.FileQueue;
import dev.sensorpub.queue.FsyncPolicy;
import dev.sensorpub.queue.MemoryQueue;
import dev.sensorpub.queue.MessageQueue;
import dev.sensorpub.queue.OverflowPolicy;
import dev.sensorpub.queue.QueuedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Queue throughput: one append + next + confirm per operation, a 25-byte topic and a 32-byte
 * payload, as when the link keeps up. The file variants differ in fsync policy; their teardown
 * prints the bytes handed to the file system per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class QueueBenchmark {
    static final byte[] TOPIC = "sensors/pi-01/temperature".getBytes(StandardCharsets.UTF_8);
    static final byte[] PAYLOAD = "{\"t\":1732190000123,\"v\":21.375}xx".getBytes(StandardCharsets.UTF_8);
    static final long CAPACITY = 8L << 20;

    /** memory | file-never (kernel write-back) | file-1s (the default policy: fsync at most once a second). */
    @Param({"memory", "file-never", "file-1s"})
    public String backend;

    private MessageQueue queue;
    private final QueuedRecord record = new QueuedRecord();
    private Path directory;

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (backend.equals("memory")) {
            queue = new MemoryQueue(CAPACITY, 100_000, OverflowPolicy.DROP_OLDEST, 256);
            return;
        }
        directory = Files.createTempDirectory("queue-bench");
        queue = FileQueue.open(directory, CAPACITY, 100_000, OverflowPolicy.DROP_OLDEST,
                backend.equals("file-1s") ? FsyncPolicy.everyMillis(1000) : FsyncPolicy.never(), 256);
    }

    @Benchmark
    public long appendNextConfirm() {
        long sequence = queue.append(TOPIC, 0, TOPIC.length, PAYLOAD, 0, PAYLOAD.length, 1, false, 0, 0);
        queue.next(record, 0);
        queue.confirm(sequence);
        if ((sequence & 1023) == 0) {
            queue.tick(System.currentTimeMillis());
        }
        return sequence;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        long messages = queue.counters().appended();
        if (queue instanceof FileQueue file) {
            System.out.printf("%n%s: %d messages, %.1f bytes written to the file system per message%n",
                    backend, messages, (double) file.bytesWritten() / messages);
        }
        queue.close();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
