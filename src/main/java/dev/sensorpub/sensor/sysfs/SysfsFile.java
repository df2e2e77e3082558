package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.SensorReadException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * One sysfs attribute, kept open and re-read from offset 0 into a fixed buffer: a read costs a
 * seek and a read system call and no garbage (the kernel regenerates the text on every read
 * from offset 0). After a failure the file is closed and reopened on the next read, which
 * covers devices that vanish and come back.
 */
final class SysfsFile implements AutoCloseable {
    private final Path path;
    private final byte[] buffer;
    private RandomAccessFile file;

    SysfsFile(Path path, int capacity) {
        this.path = path;
        this.buffer = new byte[capacity];
    }

    Path path() {
        return path;
    }

    /** The bytes of the last read; valid up to the length {@link #read()} returned. */
    byte[] buffer() {
        return buffer;
    }

    /** Reads the whole attribute (up to the buffer's size) and returns its length. */
    int read() throws SensorReadException {
        try {
            if (file == null) {
                file = new RandomAccessFile(path.toFile(), "r");
            }
            file.seek(0);
            int length = 0;
            while (length < buffer.length) {
                int n = file.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            return length;
        } catch (FileNotFoundException e) {
            close();
            // The JDK says why in parentheses: "(No such file or directory)", "(Permission denied)".
            String message = String.valueOf(e.getMessage());
            int open = message.lastIndexOf('(');
            String why = open >= 0 && message.endsWith(")") ? message.substring(open + 1, message.length() - 1) : message;
            throw new SensorReadException(why.startsWith("No such file") ? path + " not found"
                    : "cannot open " + path + ": " + why);
        } catch (IOException e) {
            close();
            String message = String.valueOf(e.getMessage());
            throw new SensorReadException((message.contains("Input/output error") ? "EIO" : message) + " reading "
                    + path);
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Closing a read-only sysfs file cannot lose data; the next read reopens it.
            }
            file = null;
        }
    }

    /**
     * The signed decimal integer starting at {@code from} in the buffer, up to the first
     * non-digit. Returns Long.MIN_VALUE when there is none (no exception on the read path).
     */
    static long parseLong(byte[] bytes, int from, int to) {
        int i = from;
        boolean negative = i < to && bytes[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long value = 0;
        while (i < to && bytes[i] >= '0' && bytes[i] <= '9' && i - start < 18) {
            value = value * 10 + (bytes[i] - '0');
            i++;
        }
        if (i == start) {
            return Long.MIN_VALUE;
        }
        return negative ? -value : value;
    }

    /** Index of {@code needle} (ASCII) in bytes[from, to), or -1. */
    static int indexOf(byte[] bytes, int from, int to, String needle) {
        outer:
        for (int i = from; i <= to - needle.length(); i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (bytes[i + j] != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
