package dev.sensorpub.session;

import dev.sensorpub.transport.Endpoint;
import dev.sensorpub.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** A socket whose two directions the test controls: bytes to deliver, and whether writes are taken. */
final class ScriptedTransport implements Transport {
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private int delivered;
    private boolean open;
    boolean writable = true;

    void deliver(byte[] bytes) {
        toClient.writeBytes(bytes);
    }

    byte[] written() {
        return fromClient.toByteArray();
    }

    @Override
    public void open(Endpoint endpoint) {
        open = true;
    }

    @Override
    public boolean finishOpen() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        byte[] all = toClient.toByteArray();
        int n = Math.min(dst.remaining(), all.length - delivered);
        dst.put(all, delivered, n);
        delivered += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        if (!writable) {
            return 0;
        }
        int n = src.remaining();
        byte[] bytes = new byte[n];
        src.get(bytes);
        fromClient.writeBytes(bytes);
        return n;
    }

    @Override
    public void await(long timeoutMillis, boolean wantWrite) {
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void wakeup() {
    }

    @Override
    public void close() {
        open = false;
    }
}
