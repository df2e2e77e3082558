package dev.sensorpub.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One place lines go: stdout (journald adds its own record separation, LF ends a line) or a
 * serial device (terminals expect CRLF). Each line is written with its ending in one write and
 * flushed at once: a console shows events as they happen, and events are rare.
 */
final class LineOutput {
    static final byte[] LF = {'\n'};
    static final byte[] CRLF = {'\r', '\n'};

    private final String name;
    private final OutputStream out;
    private final byte[] lineEnd;
    private final boolean closeable;

    LineOutput(String name, OutputStream out, byte[] lineEnd, boolean closeable) {
        this.name = name;
        this.out = out;
        this.lineEnd = lineEnd.clone();
        this.closeable = closeable;
    }

    /** A stream standing in for stdout; never closed, since the JVM and other code share it. */
    static LineOutput stdout(OutputStream stdout) {
        return new LineOutput("stdout", stdout, LF, false);
    }

    /**
     * Whatever {@code System.out} is at the moment of writing, so a test or tool that
     * redirects it with {@code System.setOut} after logging started still sees the lines.
     */
    static LineOutput systemOut() {
        return stdout(new OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                System.out.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                System.out.flush();
            }
        });
    }

    /**
     * Opens a serial device (or any existing file) for appending. It is not created when
     * missing: a mistyped {@code /dev/serail0} must fail, not become a regular file in /dev.
     * Write-only on purpose: Linux gives a session leader (which systemd makes of every
     * service) a tty as controlling terminal only when opened for reading, so the console
     * can never send the agent SIGHUP or a typed ^C. The line settings (115200 8N1, raw)
     * belong to the device; see scripts/deploy.sh.
     */
    static LineOutput openSerial(Path device) throws IOException {
        OutputStream out = Files.newOutputStream(device, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new LineOutput(device.toString(), out, CRLF, true);
    }

    String name() {
        return name;
    }

    /** The line must be ASCII already (LineFormat guarantees it). */
    void writeLine(String line) throws IOException {
        byte[] text = line.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(text, text.length + lineEnd.length);
        System.arraycopy(lineEnd, 0, bytes, text.length, lineEnd.length);
        out.write(bytes);
        out.flush();
    }

    void close() {
        if (!closeable) {
            flushQuietly();
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            // Closing at shutdown or after a failed write: nothing left to tell anyone.
        }
    }

    private void flushQuietly() {
        try {
            out.flush();
        } catch (IOException e) {
            // stdout gone (closed pipe): there is nowhere to report it.
        }
    }
}
