package dev.sensorpub.session;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.PacketType;
import dev.sensorpub.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Packets encoded but not yet taken by the socket, first in first out. Encoders write into
 * {@link #bytes()} at {@link #reserve}'s offset and {@link #commit} what they wrote; {@link #flush}
 * moves bytes to the socket through a preallocated direct buffer. Reading or writing a heap
 * buffer would make the JDK stage it through a cached temporary direct buffer, and allocate a
 * new one whenever a transfer is larger than any before: a late, rare allocation.
 *
 * <p>Running totals of bytes committed and written tell when a given packet has left: the
 * session starts a PINGREQ's answer timer then, not when the ping was queued behind a backlog.
 *
 * <p>{@link #flushHoldingLast} keeps the last packet back for the next flush, only while
 * everything before it was taken: a packet held back never waits behind a full socket, and any
 * packet committed after it ends the hold.
 */
final class SendBuffer {
    /** Room kept for the answer to one broker packet (an ack or a PINGREQ). */
    static final int CONTROL_RESERVE = 64;

    private final byte[] bytes;
    private final ByteBuffer stage;
    private int start;
    private int end;
    private long committed;
    private long written;
    /** Length of the last packet committed. */
    private int lastLength;
    /** Bytes at the end that {@link #flushHoldingLast} kept back; 0 if none. */
    private int held;

    SendBuffer(int size) {
        bytes = new byte[size];
        stage = ByteBuffer.allocateDirect(size).flip();
    }

    byte[] bytes() {
        return bytes;
    }

    /** Bytes that can still be encoded before the socket takes some. */
    int free() {
        return bytes.length - (end - start);
    }

    /** Whether {@code size} contiguous bytes can be had at the write offset, compacting if needed. */
    boolean makeRoom(int size) {
        if (bytes.length - end >= size) {
            return true;
        }
        if (start > 0) {
            System.arraycopy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        return bytes.length - end >= size;
    }

    /** The offset where {@code size} bytes may be written now; the caller made sure they fit. */
    int reserve(int size) {
        if (!makeRoom(size)) {
            throw new IllegalStateException("send buffer has no room for " + size + " bytes");
        }
        return end;
    }

    /** {@code length} bytes were encoded at the offset {@link #reserve} gave. */
    void commit(int length) {
        end += length;
        committed += length;
        lastLength = length;
        held = 0;
    }

    /** Bytes committed since the last {@link #clear()}; a packet has left once {@link #written()} reaches its end. */
    long committed() {
        return committed;
    }

    long written() {
        return written;
    }

    boolean hasUnwritten() {
        return start < end || stage.hasRemaining();
    }

    /** Whether bytes other than a packet {@link #flushHoldingLast} kept back wait for the socket. */
    boolean hasUnwrittenBeyondHeld() {
        return end - start > held || stage.hasRemaining();
    }

    /** Whether the last packet was kept back by {@link #flushHoldingLast} and is still unwritten. */
    boolean holdsBack() {
        return held > 0;
    }

    /**
     * Like {@link #flush}, but the last packet committed stays back for the next flush if the
     * socket takes everything before it; nothing stays back if nothing comes before it, or the
     * socket would not take it all.
     */
    int flushHoldingLast(Transport transport) throws IOException {
        int unstaged = end - start;
        held = unstaged >= lastLength && (unstaged > lastLength || stage.hasRemaining()) ? lastLength : 0;
        int n = write(transport);
        if (hasUnwrittenBeyondHeld()) {
            held = 0;
        }
        return n;
    }

    /** Hands bytes to the socket until it takes no more; returns how many it took. */
    int flush(Transport transport) throws IOException {
        held = 0;
        return write(transport);
    }

    private int write(Transport transport) throws IOException {
        int total = 0;
        while (true) {
            if (!stage.hasRemaining()) {
                if (end - start == held) {
                    if (held == 0) {
                        start = 0;
                        end = 0;
                    }
                    return total;
                }
                int n = Math.min(stage.capacity(), end - start - held);
                stage.clear();
                stage.put(bytes, start, n).flip();
                start += n;
            }
            int n = transport.write(stage);
            if (n <= 0) {
                return total;
            }
            total += n;
            written += n;
        }
    }

    /** Writes PUBACK, PUBREC, PUBREL or PUBCOMP; callers keep {@link #CONTROL_RESERVE} free for it. */
    void writeAck(int type, int packetId) {
        int p = reserve(PacketEncoder.ACK_SIZE);
        commit(switch (type) {
            case PacketType.PUBACK -> PacketEncoder.encodePuback(bytes, p, packetId);
            case PacketType.PUBREC -> PacketEncoder.encodePubrec(bytes, p, packetId);
            case PacketType.PUBREL -> PacketEncoder.encodePubrel(bytes, p, packetId);
            default -> PacketEncoder.encodePubcomp(bytes, p, packetId);
        });
    }

    /** A new connection starts with nothing pending. */
    void clear() {
        start = 0;
        end = 0;
        stage.clear().flip();
        lastLength = 0;
        held = 0;
        committed = 0;
        written = 0;
    }
}
