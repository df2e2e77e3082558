package dev.sensorpub.agent;

import dev.sensorpub.log.Log;
import dev.sensorpub.log.Logger;
import dev.sensorpub.log.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * systemd's notify protocol for {@code Type=notify} and {@code WatchdogSec=}: READY=1 once the
 * loop has run, WATCHDOG=1 pings, and the status line as STATUS=.
 *
 * <p>The protocol is a datagram on the AF_UNIX socket named by {@code NOTIFY_SOCKET}, and Java 17
 * has AF_UNIX only for stream sockets. So each notification runs {@code systemd-notify} (part of
 * systemd, always present where NOTIFY_SOCKET is set), which needs {@code NotifyAccess=all} in
 * the unit because the sender is a child process. Without {@code --no-block} systemd-notify
 * waits until systemd has processed the message, so the message is never lost to systemd's
 * race with short-lived senders.
 *
 * <p>Only the loop thread decides: {@link #iterationDone} is called after every full loop
 * iteration and asks for a ping when one is due. A thread of its own runs systemd-notify (it
 * forks and may wait), so the loop neither blocks nor allocates for it. If the loop stalls, no
 * ping is asked for and systemd restarts the service after {@code WatchdogSec}. Asks that
 * arrive while systemd-notify runs are merged into the next run, so at most one runs at a time.
 */
final class SystemdNotifier implements AutoCloseable {
    private static final Logger LOG = Log.logger("agent");
    /** Pings three times per watchdog period: a slow fork or a late ping still leaves one spare. */
    static final int PINGS_PER_PERIOD = 3;
    /** Each ping forks systemd-notify; faster than this would cost a Pi Zero more than the loop. */
    static final long MIN_PING_EVERY_MILLIS = 100;
    /** The shortest WatchdogSec that still gets {@link #PINGS_PER_PERIOD} pings per period. */
    static final long MIN_WATCHDOG_MILLIS = PINGS_PER_PERIOD * MIN_PING_EVERY_MILLIS;
    private static final long RUN_TIMEOUT_MILLIS = 10_000;

    private final boolean enabled;
    private final long pingEveryMillis;
    private final String command;
    private final AtomicBoolean readyWanted = new AtomicBoolean();
    private final AtomicBoolean pingWanted = new AtomicBoolean();
    private final AtomicReference<String> statusWanted = new AtomicReference<>();
    private final Thread sender;
    private boolean readySent;
    private long nextPingMillis = Long.MAX_VALUE;
    private volatile boolean closed;
    private boolean failing;

    private SystemdNotifier(boolean enabled, long pingEveryMillis, String command) {
        this.enabled = enabled;
        this.pingEveryMillis = pingEveryMillis;
        this.command = command;
        if (enabled) {
            sender = new Thread(this::sendLoop, "sensorpub-systemd");
            sender.setDaemon(true);
            sender.start();
        } else {
            sender = null;
        }
    }

    /** Off: not started by systemd with Type=notify (no NOTIFY_SOCKET). */
    static SystemdNotifier off() {
        return new SystemdNotifier(false, 0, null);
    }

    /**
     * From systemd's variables: NOTIFY_SOCKET turns notification on; WATCHDOG_USEC (with
     * WATCHDOG_PID, if set, naming this process) turns on the pings.
     */
    static SystemdNotifier fromEnvironment(Map<String, String> env, long pid) {
        return fromEnvironment(env, pid, "systemd-notify");
    }

    /** With another program in systemd-notify's place (tests). */
    static SystemdNotifier fromEnvironment(Map<String, String> env, long pid, String command) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return off();
        }
        long pingEvery = 0;
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec != null && !usec.isEmpty()) {
            long micros = parse(usec);
            if (micros <= 0) {
                LOG.warn("systemd: WATCHDOG_USEC '" + usec + "' is not a number of microseconds; no watchdog pings");
            } else if (watchdogPid != null && !watchdogPid.isEmpty() && parse(watchdogPid) != pid) {
                LOG.info("systemd: the watchdog is for process " + watchdogPid + ", not this one (" + pid + ")");
            } else {
                pingEvery = Math.max(MIN_PING_EVERY_MILLIS, micros / 1000 / PINGS_PER_PERIOD);
            }
        }
        long watchdogMillis = pingEvery > 0 ? parse(usec) / 1000 : 0;
        if (pingEvery > 0 && watchdogMillis < MIN_WATCHDOG_MILLIS) {
            LOG.warn("systemd: WatchdogSec " + watchdogMillis + " ms is under the " + MIN_WATCHDOG_MILLIS
                    + " ms supported; pings may come late");
        } else {
            LOG.info("systemd: notify on" + (pingEvery > 0
                    ? ", watchdog " + watchdogMillis + " ms, a ping every " + pingEvery + " ms" : ", no watchdog"));
        }
        return new SystemdNotifier(true, pingEvery, command);
    }

    private static long parse(String number) {
        try {
            return Long.parseLong(number.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    boolean enabled() {
        return enabled;
    }

    /** 0 without a watchdog. */
    long pingEveryMillis() {
        return pingEveryMillis;
    }

    /**
     * Loop thread, after each full iteration: the first call reports READY=1 (with a first ping);
     * later calls ask for a ping when one is due. Allocates nothing.
     */
    void iterationDone(long nowMillis) {
        if (!enabled) {
            return;
        }
        boolean wake = false;
        if (!readySent) {
            readySent = true;
            readyWanted.set(true);
            wake = true;
        }
        if (pingEveryMillis > 0 && (nowMillis >= nextPingMillis || nextPingMillis == Long.MAX_VALUE)) {
            pingWanted.set(true);
            nextPingMillis = nowMillis + pingEveryMillis;
            wake = true;
        }
        if (wake) {
            LockSupport.unpark(sender);
        }
    }

    /** The next time {@link #iterationDone} must run for the ping to be on time (Long.MAX_VALUE: never). */
    long nextDeadlineMillis() {
        return nextPingMillis;
    }

    /** Loop thread: the text {@code systemctl status} shows; one line. */
    void status(String text) {
        if (enabled) {
            statusWanted.set(text);
            LockSupport.unpark(sender);
        }
    }

    private void sendLoop() {
        while (!closed) {
            LockSupport.park(this);
            List<String> assignments = new ArrayList<>(3);
            if (readyWanted.getAndSet(false)) {
                assignments.add("READY=1");
            }
            if (pingWanted.getAndSet(false)) {
                assignments.add("WATCHDOG=1");
            }
            String status = statusWanted.getAndSet(null);
            if (status != null) {
                assignments.add("STATUS=" + status.replace('\n', ' '));
            }
            if (!assignments.isEmpty() && !closed) {
                run(assignments);
            }
        }
    }

    private void run(List<String> assignments) {
        List<String> argv = new ArrayList<>(assignments.size() + 1);
        argv.add(command);
        argv.addAll(assignments);
        String problem;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(RUN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                problem = "no answer within " + RUN_TIMEOUT_MILLIS + " ms";
            } else if (p.exitValue() != 0) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                int nl = out.indexOf('\n');
                problem = "exit status " + p.exitValue() + (out.isEmpty() ? "" : ": " + (nl < 0 ? out : out.substring(0, nl)));
            } else {
                problem = null;
            }
        } catch (IOException e) {
            problem = Problems.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (problem != null && !failing) {
            failing = true;
            LOG.warn("systemd: " + command + " failed (" + problem + ")"
                    + (pingEveryMillis > 0 ? "; if it lasts, the watchdog restarts sensorpub" : ""));
        } else if (problem == null && failing) {
            failing = false;
            LOG.info("systemd: " + command + " works again");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (sender != null) {
            LockSupport.unpark(sender);
        }
    }
}
