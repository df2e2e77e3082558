package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The tiny file that says where the queue file's oldest unconfirmed record is (position and
 * sequence) and how big the ring is. Two 32-byte slots written alternately, each with a
 * generation and a CRC, so a write torn by a power cut leaves the previous slot valid.
 *
 * <pre>
 *  0 int  magic 'SPQC'   4 int crc of [8, 32)   8 long generation
 * 16 long sequence      24 int position        28 int ring capacity
 * </pre>
 */
final class Checkpoint implements AutoCloseable {
    private static final int SLOT_BYTES = 32;
    private static final int MAGIC = 0x53505143;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(2 * SLOT_BYTES);
    private final CRC32C crc = new CRC32C();
    private long generation;
    private boolean valid;
    private long sequence;
    private int position;
    private int capacity;

    Checkpoint(FileChannel channel) throws IOException {
        this.channel = channel;
        buffer.clear();
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read both slots, or whatever of them exists
        }
        int filled = buffer.position();
        for (int at = 0; at + SLOT_BYTES <= filled; at += SLOT_BYTES) {
            if (buffer.getInt(at) == MAGIC && buffer.getInt(at + 4) == checksum(at)
                    && (!valid || buffer.getLong(at + 8) > generation)) {
                valid = true;
                generation = buffer.getLong(at + 8);
                sequence = buffer.getLong(at + 16);
                position = buffer.getInt(at + 24);
                capacity = buffer.getInt(at + 28);
            }
        }
    }

    boolean valid() {
        return valid;
    }

    long sequence() {
        return sequence;
    }

    int position() {
        return position;
    }

    int capacity() {
        return capacity;
    }

    void write(long newSequence, int newPosition, int ringCapacity, boolean force) throws IOException {
        generation++;
        int at = (int) (generation & 1) * SLOT_BYTES;
        buffer.putInt(at, MAGIC);
        buffer.putLong(at + 8, generation);
        buffer.putLong(at + 16, newSequence);
        buffer.putInt(at + 24, newPosition);
        buffer.putInt(at + 28, ringCapacity);
        buffer.putInt(at + 4, checksum(at));
        buffer.limit(at + SLOT_BYTES).position(at);
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
        buffer.clear();
        if (force) {
            channel.force(false);
        }
        valid = true;
        sequence = newSequence;
        position = newPosition;
        capacity = ringCapacity;
    }

    private int checksum(int at) {
        buffer.limit(at + SLOT_BYTES).position(at + 8);
        crc.reset();
        crc.update(buffer);
        buffer.clear();
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
