package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Every byte the file queue reads or writes goes through one of these, so that a test can record
 * the writes and fsyncs and rebuild each disk state a power cut could leave behind.
 */
interface StorageFile extends AutoCloseable {
    /** Reads into {@code target} from {@code position}; returns the bytes read, or -1 at the end. */
    int read(ByteBuffer target, long position) throws IOException;

    /** Writes {@code source}'s remaining bytes at {@code position}; returns the bytes written. */
    int write(ByteBuffer source, long position) throws IOException;

    /** Makes every write so far durable (fdatasync). */
    void force() throws IOException;

    long size() throws IOException;

    /**
     * Writes zeros from the current size up to {@code size} and makes them durable, so the blocks
     * are really allocated: a full file system shows up here, at creation, not in the middle of a
     * run (and not as a fault on a mapped page).
     */
    void allocate(long size) throws IOException;

    @Override
    void close() throws IOException;
}
