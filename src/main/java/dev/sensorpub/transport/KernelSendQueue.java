package dev.sensorpub.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes of one TCP connection the peer has not acknowledged yet, and how many times in a
 * row the kernel's retransmission timer has expired without an acknowledgement since, as Linux
 * tells in {@code /proc/net/tcp6} and {@code /proc/net/tcp} (the {@code tx_queue} column: bytes
 * written minus bytes acknowledged; {@code retrnsmt}: reset by every acknowledgement of new
 * data). Java has no other way to ask; elsewhere the answer is "unknown".
 *
 * <p>Read only when the session must decide whether a silent link is dead, never per message:
 * it reads a file and allocates.
 */
final class KernelSendQueue {
    private static final Path[] TABLES = {Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")};
    /** The kernel's code for an established connection. */
    private static final String ESTABLISHED = "01";

    private KernelSendQueue() {
    }

    /** What the kernel says of one connection. */
    record Entry(long unacknowledged, int timeouts) {
    }

    /** The established connection from {@code localPort} to {@code remotePort}, or null if not found. */
    static Entry lookUp(int localPort, int remotePort) {
        for (Path table : TABLES) {
            Entry found = search(table, localPort, remotePort);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Entry search(Path table, int localPort, int remotePort) {
        if (!Files.isReadable(table)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                Entry entry = entryIn(line, localPort, remotePort);
                if (entry != null) {
                    return entry;
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable or unexpected table tells nothing: the caller decides without it.
        }
        return null;
    }

    /**
     * One table line, e.g. {@code "0: 0100007F:B3CC 0100007F:075B 01 0000001C:00000000 01:00000190 00000000 ..."}
     * (local address:port, remote address:port, state, tx_queue:rx_queue, timer:expiry,
     * retrnsmt, all hexadecimal), or null if it is not that established connection.
     */
    static Entry entryIn(String line, int localPort, int remotePort) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 7 || !fields[0].endsWith(":") || !ESTABLISHED.equals(fields[3])) {
            return null;
        }
        if (port(fields[1]) != localPort || port(fields[2]) != remotePort) {
            return null;
        }
        int colon = fields[4].indexOf(':');
        return colon < 0 ? null
                : new Entry(Long.parseLong(fields[4].substring(0, colon), 16), Integer.parseInt(fields[6], 16));
    }

    private static int port(String addressAndPort) {
        int colon = addressAndPort.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(addressAndPort.substring(colon + 1), 16);
    }
}
