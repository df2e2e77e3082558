package dev.sensorpub.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileQueueContractTest extends MessageQueueContract {
    @TempDir
    Path directory;
    private int queues;

    @Override
    protected int storageOverheadBytes() {
        return RingHeader.RESERVED_BYTES;
    }

    @Override
    protected MessageQueue create(long capacityBytes, int maxMessages, OverflowPolicy overflow, int maxRecordBytes) {
        try {
            return FileQueue.open(directory.resolve("q" + queues++), capacityBytes, maxMessages, overflow,
                    FsyncPolicy.never(), maxRecordBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
