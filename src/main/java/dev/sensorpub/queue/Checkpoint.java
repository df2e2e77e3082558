package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The small file that lets recovery forget confirmed records. Recovery never depends on it for
 * finding records: the ring's records carry everything (see {@link FileRing}).
 *
 * <p>Two slots written alternately, each with a generation and a CRC, so a torn write leaves the
 * previous one valid; the slots sit in different 4 KiB pages, so one bad flash page cannot take
 * both. A slot holds the floor: every sequence below it was confirmed or dropped. That stays true
 * whatever a power cut loses, because sequences are never reused (the next sequence after a
 * restart is above the floor and above every record found), so a floor that reached disk before
 * the records it passes cannot make recovery drop an unconfirmed record. And the ring's capacity,
 * so a changed {@code queue.capacity} does not misread the ring.
 *
 * <pre>
 *  0 int magic 'SPQ2'   4 int crc of [8, 32)   8 long generation
 * 16 long floor        24 int ring capacity   28 int 0
 * </pre>
 */
final class Checkpoint implements AutoCloseable {
    static final int PAGE = 4096;
    static final int FILE_BYTES = 2 * PAGE;
    private static final int SLOT_BYTES = 32;
    private static final int MAGIC = 0x53505132;

    private final StorageFile file;
    /** False for a file opened read-only: its slots are read at start, never written. */
    private final boolean writable;
    private final ByteBuffer slot = ByteBuffer.allocateDirect(SLOT_BYTES);
    private final CRC32C crc = new CRC32C();
    private long generation;
    private boolean valid;
    private long floor;
    private int capacity;
    private long writes;

    /**
     * @param file the checkpoint file, or null when it cannot be opened: then nothing is kept across restarts
     * @param writable whether {@code file} takes writes; if not, only what it held at start is used
     */
    Checkpoint(StorageFile file, boolean writable) throws IOException {
        this.file = file;
        this.writable = file != null && writable;
        for (int page = 0; file != null && page < 2; page++) {
            slot.clear();
            long at = (long) page * PAGE;
            int read;
            while (slot.hasRemaining() && (read = file.read(slot, at)) > 0) {
                at += read;
            }
            if (!slot.hasRemaining() && slot.getInt(0) == MAGIC && slot.getInt(4) == checksum()
                    && (!valid || slot.getLong(8) > generation)) {
                valid = true;
                generation = slot.getLong(8);
                floor = slot.getLong(16);
                capacity = slot.getInt(24);
            }
        }
        slot.clear();
    }

    boolean valid() {
        return valid;
    }

    /** Every sequence below this one was confirmed or dropped. */
    long floor() {
        return floor;
    }

    int capacity() {
        return capacity;
    }

    /** Slot writes so far, for the bytes-written figure. */
    long writes() {
        return writes;
    }

    /** Writes the next slot (not forced: {@link #force()} makes it durable). */
    void write(long newFloor, int ringCapacity) throws IOException {
        long nextGeneration = generation + 1;
        slot.clear();
        slot.putInt(0, MAGIC);
        slot.putLong(8, nextGeneration);
        slot.putLong(16, newFloor);
        slot.putInt(24, ringCapacity);
        slot.putInt(28, 0);
        slot.putInt(4, checksum());
        long at = (nextGeneration & 1) * PAGE;
        slot.clear();
        while (writable && slot.hasRemaining()) {
            at += file.write(slot, at);
        }
        slot.clear();
        generation = nextGeneration;
        writes++;
        valid = true;
        floor = newFloor;
        capacity = ringCapacity;
    }

    /** Whether {@link #force} reaches a file (false when the checkpoint cannot be opened or written). */
    boolean onDisk() {
        return writable;
    }

    /** The file the slots were read from, or null, for closing it when start-up fails. */
    StorageFile file() {
        return file;
    }

    void force() throws IOException {
        if (writable) {
            file.force();
        }
    }

    private int checksum() {
        slot.limit(SLOT_BYTES).position(8);
        crc.reset();
        crc.update(slot);
        slot.clear();
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
