package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A real queue file that can be told to fail writes or fsyncs like a full disk, and counts fsyncs. */
final class FaultyFile implements StorageFile {
    private final StorageFile delegate;
    boolean failWrites;
    boolean failForce;
    int forces;

    FaultyFile(StorageFile delegate) {
        this.delegate = delegate;
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return delegate.read(target, position);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        if (failWrites) {
            throw new IOException("No space left on device");
        }
        return delegate.write(source, position);
    }

    @Override
    public void force() throws IOException {
        if (failForce) {
            throw new IOException("Input/output error");
        }
        forces++;
        delegate.force();
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public void allocate(long size) throws IOException {
        if (failWrites) {
            throw new IOException("No space left on device");
        }
        delegate.allocate(size);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
