package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the file queue reaches its directory; tests substitute files that fail like a full disk or
 * that live in a simulated disk recording every write for power-cut states.
 */
@FunctionalInterface
interface StorageOpener {
    StorageOpener FILES = path -> new ChannelStorageFile(FileChannel.open(path, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE));

    /** Opens {@code path} for reading and writing, creating it if needed. */
    StorageFile open(Path path) throws IOException;

    /** Opens an existing {@code path} for reading only (a read-only file or file system). */
    default StorageFile openReadOnly(Path path) throws IOException {
        return new ChannelStorageFile(FileChannel.open(path, StandardOpenOption.READ));
    }

    default void createDirectories(Path directory) throws IOException {
        Files.createDirectories(directory);
    }

    default boolean exists(Path path) {
        return Files.exists(path);
    }

    /** Removes a file this open created before it failed, so a failed start leaves no half-allocated file. */
    default void deleteCreated(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    /** Makes new directory entries durable, so a power cut cannot lose the files themselves. */
    default void syncDirectory(Path directory) {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ)) {
            entries.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the files still work, only a power cut right
            // after creation could lose them.
        }
    }
}
