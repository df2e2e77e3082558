package dev.sensorpub.transport;

/**
 * What the kernel says of one connection's bytes at one look (see {@link Transport#tcpProgress}).
 *
 * @param acknowledgedBytes how many of the bytes the socket took the peer's TCP has acknowledged;
 *        it grows while the link carries our bytes, even while the peer's answers are lost and
 *        wait for its TCP to resend them; -1 when the system does not tell
 * @param resendTimeouts how many times in a row TCP's retransmission timer expired since the peer
 *        last acknowledged new bytes (0 while within its normal schedule, however slow), or -1
 * @param retransmitTimeoutMillis TCP's current retransmission timeout, backoff included, or -1;
 *        both round trips cross the same queues, so it is also a fair guess of the peer's
 * @param windowClosed whether the peer's TCP announced a zero window and ours only probes it:
 *        none of our bytes is on its way, and the retransmission timer does not run, so
 *        {@code resendTimeouts} stays 0 (a peer that stopped reading)
 */
public record TcpProgress(long acknowledgedBytes, int resendTimeouts, long retransmitTimeoutMillis,
        boolean windowClosed) {
    /** Where the system does not tell (TLS, another OS, no connection). */
    public static final TcpProgress UNKNOWN = new TcpProgress(-1, -1, -1, false);

    public boolean known() {
        return acknowledgedBytes >= 0;
    }
}
