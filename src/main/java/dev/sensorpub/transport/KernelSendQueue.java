package dev.sensorpub.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes of one TCP connection the peer has not acknowledged yet, and how many times in a
 * row the kernel's retransmission timer has expired without an acknowledgement since, as Linux
 * tells in {@code /proc/net/tcp6} and {@code /proc/net/tcp} (the {@code tx_queue} column: bytes
 * written minus bytes acknowledged; {@code retrnsmt}: reset by every acknowledgement of new
 * data), and TCP's current retransmission timeout ({@code rto}, after the inode, the reference
 * count and the socket's address: in clock ticks of 10 ms, backoff included). Java has no other
 * way to ask; elsewhere the answer is "unknown".
 *
 * <p>Read only when the session must decide whether a silent link is dead, never per message:
 * it reads a file and allocates.
 */
final class KernelSendQueue {
    private static final Path[] TABLES = {Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")};
    /** The kernel's code for an established connection. */
    private static final String ESTABLISHED = "01";
    /**
     * The {@code tr} code of the zero window probe timer: it runs instead of the retransmission
     * timer while bytes wait for the peer to open its window, so {@code retrnsmt} stays 0.
     */
    private static final String WINDOW_PROBE_TIMER = "04";
    /** Where the {@code rto} column is among a line's fields, counting the {@code "sl:"} one. */
    private static final int RTO_FIELD = 12;
    /** /proc tells times in USER_HZ clock ticks, 100 a second on every Linux. */
    private static final long MILLIS_PER_CLOCK_TICK = 10;

    private KernelSendQueue() {
    }

    /**
     * What the kernel says of one connection; {@code retransmitTimeoutMillis} is -1 where the line
     * has no {@code rto} column; {@code windowProbed} when the peer's zero window is being probed.
     */
    record Entry(long unacknowledged, int timeouts, long retransmitTimeoutMillis, boolean windowProbed) {
    }

    /** The established connection from {@code local} to {@code remote}, or null if not found. */
    static Entry lookUp(InetSocketAddress local, InetSocketAddress remote) {
        for (Path table : TABLES) {
            boolean v6 = table == TABLES[0];
            String from = named(local, v6);
            String to = named(remote, v6);
            Entry found = from == null || to == null ? null : search(table, from, to);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Entry search(Path table, String local, String remote) {
        if (!Files.isReadable(table)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                Entry entry = entryIn(line, local, remote);
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
     * retrnsmt, all hexadecimal; uid, timeout, inode, reference count, socket address, rto in
     * clock ticks, decimal but the address), or null if it is not the established connection between
     * {@code local} and {@code remote} as the table names them (see {@link #named}). The ports
     * alone do not tell: Linux gives one local port to connections to different servers.
     */
    static Entry entryIn(String line, String local, String remote) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 7 || !fields[0].endsWith(":") || !ESTABLISHED.equals(fields[3])
                || !local.equalsIgnoreCase(fields[1]) || !remote.equalsIgnoreCase(fields[2])) {
            return null;
        }
        int colon = fields[4].indexOf(':');
        return colon < 0 ? null
                : new Entry(Long.parseLong(fields[4].substring(0, colon), 16), Integer.parseInt(fields[6], 16),
                        retransmitTimeoutMillis(fields), fields[5].startsWith(WINDOW_PROBE_TIMER + ":"));
    }

    /** The {@code rto} column in milliseconds, or -1 if the line has none (an older or other kernel). */
    private static long retransmitTimeoutMillis(String[] fields) {
        if (fields.length <= RTO_FIELD) {
            return -1;
        }
        String ticks = fields[RTO_FIELD];
        if (ticks.isEmpty() || ticks.length() > 9) {
            return -1;
        }
        for (int i = 0; i < ticks.length(); i++) {
            if (ticks.charAt(i) < '0' || ticks.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(ticks) * MILLIS_PER_CLOCK_TICK;
    }

    /**
     * An address and port as {@code /proc/net/tcp6} ({@code v6}) or {@code /proc/net/tcp} names
     * them: each 32-bit word of the address as the machine stores it, in hexadecimal; an IPv4
     * address in tcp6 as IPv4-mapped (Java's sockets are IPv6 ones where it can). Null if that
     * table cannot hold it.
     */
    static String named(InetSocketAddress address, boolean v6) {
        byte[] bytes = address.getAddress().getAddress();
        if (bytes.length == 16 && !v6) {
            return null;
        }
        if (bytes.length == 4 && v6) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        StringBuilder name = new StringBuilder(48);
        ByteBuffer words = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        while (words.hasRemaining()) {
            name.append(String.format("%08X", words.getInt()));
        }
        return name.append(String.format(":%04X", address.getPort())).toString();
    }
}
