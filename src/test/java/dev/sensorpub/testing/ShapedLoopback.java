package dev.sensorpub.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loopback of a {@link NetworkNamespace} made into a thin link for one TCP port, by the kernel:
 * tc htb classes for the rates, iptables {@code statistic} rules for random loss, iptables DROP rules
 * for a silent black hole (no reset, no FIN: packets vanish), iptables counters for the bytes that
 * crossed.
 *
 * <p>On loopback both directions leave through {@code lo}'s egress, so direction is told by port:
 * uplink = TCP to the port, downlink = TCP from it. Loss and black holes sit in INPUT, after the
 * shaper: a lost packet has used the link, as on a radio, and the sender gets no error (a DROP in
 * OUTPUT would fail its send with EPERM, which no real link does). The MTU is set to 1500 and
 * segmentation offload to one MTU, so the shaper sees packets of a real link's size.
 */
public final class ShapedLoopback {
    /** IPv4 (20) + TCP with timestamps (32): what a segment carries besides MQTT bytes. */
    public static final int TCP_IP_HEADER_BYTES = 52;
    private static final int MTU = 1500;
    /** One full packet as the shaper counts it (with loopback's 14-byte link header): the least burst. */
    private static final int FRAME = MTU + 14;
    private static final Pattern COUNTER = Pattern.compile("--comment (\\S+) -c (\\d+) (\\d+)");

    private final NetworkNamespace ns;
    private final int port;
    private final LinkShape shape;
    private boolean blackHole;

    private ShapedLoopback(NetworkNamespace ns, int port, LinkShape shape) {
        this.ns = ns;
        this.port = port;
        this.shape = shape;
    }

    /** Shapes TCP to and from {@code port} on the namespace's loopback. */
    public static ShapedLoopback apply(NetworkNamespace ns, int port, LinkShape shape) {
        ShapedLoopback link = new ShapedLoopback(ns, port, shape);
        link.installShaper();
        link.countAndLose();
        return link;
    }

    private void installShaper() {
        ns.exec("ip", "link", "set", "lo", "mtu", String.valueOf(MTU));
        ns.exec("ip", "link", "set", "lo", "gso_max_size", String.valueOf(MTU));
        // Unclassified traffic (the subscriber's port) has no default class and so is not shaped.
        ns.exec("tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "0");
        addClass("10", shape.upKbit());
        String downClass = "10";
        if (!shape.shared()) {
            addClass("20", shape.downKbit());
            downClass = "20";
        }
        addFilter("dport", "10");
        addFilter("sport", downClass);
    }

    private void addClass(String minor, int kbit) {
        ns.exec("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:" + minor, "htb",
                "rate", kbit + "kbit", "ceil", kbit + "kbit", "burst", FRAME + "b", "cburst", FRAME + "b",
                "quantum", String.valueOf(FRAME));
        long queueBytes = Math.max(2L * MTU, (long) kbit * 1000 / 8 * shape.queueMillis() / 1000);
        ns.exec("tc", "qdisc", "add", "dev", "lo", "parent", "1:" + minor, "handle", minor + ":", "bfifo",
                "limit", String.valueOf(queueBytes));
    }

    private void addFilter(String portField, String minor) {
        ns.exec("tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", "protocol", "6", "0xff", "match", "ip", portField, String.valueOf(port), "0xffff",
                "flowid", "1:" + minor);
    }

    private void countAndLose() {
        // Counting rules first: they see every packet the shaper let through, lost or not.
        iptables("-A", "INPUT", "-p", "tcp", "--dport", String.valueOf(port), "-m", "comment", "--comment", "sp-up");
        iptables("-A", "INPUT", "-p", "tcp", "--sport", String.valueOf(port), "-m", "comment", "--comment", "sp-down");
        if (shape.lossPercent() > 0) {
            String p = String.valueOf(shape.lossPercent() / 100);
            for (String field : List.of("--dport", "--sport")) {
                iptables("-A", "INPUT", "-p", "tcp", field, String.valueOf(port), "-m", "statistic", "--mode", "random",
                        "--probability", p, "-j", "DROP");
            }
        }
    }

    /**
     * Bytes the shaper lets through at most in {@code seconds} from a full bucket: the rate, plus the
     * credit htb starts with (its burst of one frame, and one more frame it sends while the bucket is
     * empty). Short drains would otherwise seem to beat the link.
     */
    public static double capacityBytes(int kbit, double seconds) {
        return kbit * 1000.0 / 8 * seconds + 2.0 * FRAME;
    }

    /** Packets to and from the port vanish (true) or flow again (false). */
    public synchronized void blackHole(boolean on) {
        if (on == blackHole) {
            return;
        }
        String verb = on ? "-I" : "-D";
        for (String field : List.of("--dport", "--sport")) {
            if (on) {
                iptables(verb, "INPUT", "1", "-p", "tcp", field, String.valueOf(port), "-j", "DROP");
            } else {
                iptables(verb, "INPUT", "-p", "tcp", field, String.valueOf(port), "-j", "DROP");
            }
        }
        blackHole = on;
    }

    public synchronized boolean isBlackHole() {
        return blackHole;
    }

    private void iptables(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "iptables";
        command[1] = "-w"; // wait for the xtables lock: parallel labs share the binary, not the tables
        System.arraycopy(args, 0, command, 2, args.length);
        ns.exec(command);
    }

    /** Bytes and packets that crossed the link so far, per direction (IP bytes, headers included). */
    public LinkCounters counters() {
        String rules = ns.exec("iptables", "-w", "-v", "-S", "INPUT");
        long upPackets = -1, upBytes = -1, downPackets = -1, downBytes = -1;
        Matcher m = COUNTER.matcher(rules);
        while (m.find()) {
            if (m.group(1).equals("sp-up")) {
                upPackets = Long.parseLong(m.group(2));
                upBytes = Long.parseLong(m.group(3));
            } else if (m.group(1).equals("sp-down")) {
                downPackets = Long.parseLong(m.group(2));
                downBytes = Long.parseLong(m.group(3));
            }
        }
        if (upPackets < 0 || downPackets < 0) {
            throw new IllegalStateException("the link's counting rules are missing in " + ns.name() + ":\n" + rules);
        }
        return new LinkCounters(upPackets, upBytes, downPackets, downBytes);
    }

    /** What crossed the link, per direction. */
    public record LinkCounters(long upPackets, long upBytes, long downPackets, long downBytes) {
        /** TCP payload (MQTT bytes) sent uplink: IP bytes less one TCP/IP header per packet. */
        public long upPayloadBytes() {
            return Math.max(0, upBytes - upPackets * TCP_IP_HEADER_BYTES);
        }

        public LinkCounters minus(LinkCounters earlier) {
            return new LinkCounters(upPackets - earlier.upPackets, upBytes - earlier.upBytes,
                    downPackets - earlier.downPackets, downBytes - earlier.downBytes);
        }
    }

    public LinkShape shape() {
        return shape;
    }

    public int port() {
        return port;
    }
}
