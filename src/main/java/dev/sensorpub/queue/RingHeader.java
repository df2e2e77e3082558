package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.zip.CRC32C;

/**
 * The ring file's salt: a random secret mixed into every record's CRC, so bytes a publisher put
 * in a payload can never pass for a record during recovery. It is written once, when the ring is
 * created, and made durable before any record, in two copies: the first bytes of the file and the
 * last, which lie in different sectors, so one torn or unreadable sector cannot lose it. The
 * records live between the copies.
 *
 * <pre>
 *  0 long  magic    "SPQRING1"
 *  8 int   version  1
 * 12 int   0
 * 16 long  salt
 * 24 int   crc      CRC-32C of bytes [0, 24)
 * 28 int   0
 * </pre>
 */
final class RingHeader {
    static final int COPY_BYTES = 32;
    /** File bytes that are not ring: both copies. */
    static final int RESERVED_BYTES = 2 * COPY_BYTES;
    private static final long MAGIC = 0x5350_5152_494E_4731L;
    private static final int VERSION = 1;
    private static final int SALT = 16;
    private static final int CRC = 24;

    private RingHeader() {
    }

    /** The salt read from the first intact copy, or {@code null} if neither is intact. */
    static byte[] read(StorageFile file, long fileSize) throws IOException {
        for (long at : new long[] {0, fileSize - COPY_BYTES}) {
            ByteBuffer copy = readCopy(file, at);
            if (copy.getLong(0) == MAGIC && copy.getInt(8) == VERSION && copy.getInt(CRC) == checksum(copy)) {
                byte[] salt = new byte[RecordFormat.SALT_BYTES];
                copy.get(SALT, salt);
                return salt;
            }
        }
        return null;
    }

    /**
     * Whether both copy places hold only zeros: a ring created but killed before its header was
     * written. It holds no record either, as records are written only after the header.
     */
    static boolean blank(StorageFile file, long fileSize) throws IOException {
        for (long at : new long[] {0, fileSize - COPY_BYTES}) {
            ByteBuffer copy = readCopy(file, at);
            for (int i = 0; i < COPY_BYTES; i++) {
                if (copy.get(i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Writes both copies with a new random salt; returns the salt. Not forced here: recovery's
     * fsync follows before any record is written.
     */
    static byte[] create(StorageFile file, long fileSize) throws IOException {
        byte[] salt = new byte[RecordFormat.SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        ByteBuffer copy = ByteBuffer.allocate(COPY_BYTES);
        copy.putLong(0, MAGIC).putInt(8, VERSION).put(SALT, salt);
        copy.putInt(CRC, checksum(copy));
        for (long at : new long[] {0, fileSize - COPY_BYTES}) {
            ByteBuffer source = copy.duplicate().clear();
            long position = at;
            while (source.hasRemaining()) {
                position += file.write(source, position);
            }
        }
        return salt;
    }

    private static ByteBuffer readCopy(StorageFile file, long at) throws IOException {
        ByteBuffer copy = ByteBuffer.allocate(COPY_BYTES);
        long position = at;
        int read;
        while (copy.hasRemaining() && (read = file.read(copy, position)) > 0) {
            position += read;
        }
        return copy.clear();
    }

    private static int checksum(ByteBuffer copy) {
        CRC32C crc = new CRC32C();
        crc.update(copy.duplicate().clear().limit(CRC));
        return (int) crc.getValue();
    }
}
