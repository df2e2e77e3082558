package dev.sensorpub.session;

/** Runs a session's loop on its own thread, for tests whose own thread plays the broker. */
final class BackgroundLoop implements AutoCloseable {
    private final MqttSession session;
    private final Thread thread;
    private volatile boolean running = true;

    BackgroundLoop(MqttSession session) {
        this.session = session;
        this.thread = new Thread(this::loop, "session-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long now = SessionLoop.nowMillis();
            session.service(now);
            session.await(Math.max(0, Math.min(20, session.nextDeadlineMillis(now) - SessionLoop.nowMillis())));
        }
        session.close();
    }

    /** Polls {@code condition} (read from this thread) until true or the timeout passes. */
    boolean await(java.util.function.BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = SessionLoop.nowMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (SessionLoop.nowMillis() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        session.wakeup();
        thread.join(5_000);
    }
}
