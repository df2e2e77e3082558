package dev.sensorpub.queue;

import dev.sensorpub.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opens file queues whose channels the test can break or close abruptly (a crash, as far as the files can tell). */
final class QueueFiles {
    final Map<String, FaultyFile> channels = new HashMap<>();
    final Path directory;

    QueueFiles(Path directory) {
        this.directory = directory;
    }

    FileQueue open(long capacity, FsyncPolicy fsync) throws IOException {
        return open(capacity, 1000, fsync);
    }

    FileQueue open(long capacity, int maxMessages, FsyncPolicy fsync) throws IOException {
        return open(capacity, maxMessages, fsync, Clock.SYSTEM);
    }

    FileQueue open(long capacity, FsyncPolicy fsync, Clock clock) throws IOException {
        return open(capacity, 1000, fsync, clock);
    }

    private FileQueue open(long capacity, int maxMessages, FsyncPolicy fsync, Clock clock) throws IOException {
        channels.clear();
        return FileQueue.open(directory, capacity, maxMessages, OverflowPolicy.DROP_OLDEST, fsync, 512, path -> {
            FaultyFile channel = new FaultyFile(StorageOpener.FILES.open(path));
            channels.put(path.getFileName().toString(), channel);
            return channel;
        }, clock);
    }

    FaultyFile ring() {
        return channels.get(FileRing.RING_FILE);
    }

    FaultyFile checkpoint() {
        return channels.get(FileRing.CHECKPOINT_FILE);
    }

    /** Drops the files without any sync or checkpoint: what the next process sees after kill -9. */
    void crash() throws IOException {
        for (FaultyFile channel : channels.values()) {
            channel.close();
        }
    }

    Path ringFile() {
        return directory.resolve(FileRing.RING_FILE);
    }

    Path checkpointFile() {
        return directory.resolve(FileRing.CHECKPOINT_FILE);
    }
}
