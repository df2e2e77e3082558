package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** How the file queue opens its files; tests substitute channels that fail like a full disk. */
@FunctionalInterface
interface StorageOpener {
    StorageOpener FILES = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);

    FileChannel open(Path path) throws IOException;
}
