package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link StorageFile} on a real file. */
final class ChannelStorageFile implements StorageFile {
    private static final int ZERO_CHUNK = 64 * 1024;

    private final FileChannel channel;

    ChannelStorageFile(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return channel.read(target, position);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        return channel.write(source, position);
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void allocate(long size) throws IOException {
        long at = channel.size();
        if (at >= size) {
            return;
        }
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, size - at));
        while (at < size) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
            while (zeros.hasRemaining()) {
                at += channel.write(zeros, at);
            }
        }
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
