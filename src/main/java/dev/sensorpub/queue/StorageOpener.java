package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** How the file queue opens its files; tests substitute files that fail like a full disk or record a power cut. */
@FunctionalInterface
interface StorageOpener {
    StorageOpener FILES = path -> new ChannelStorageFile(FileChannel.open(path, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE));

    StorageFile open(Path path) throws IOException;
}
