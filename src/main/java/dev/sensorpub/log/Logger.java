package dev.sensorpub.log;

/**
 * One component's voice on the console: {@code 2026-11-21T10:15:02.123Z INFO  mqtt   connected}.
 * One line per event, plain ASCII. Calls are for events, never for every message. The methods
 * taking a Throwable append its one-line description ({@link Problems#describe}); a stack trace
 * follows only when the configuration asks for one.
 */
public final class Logger {
    private final String component;

    Logger(String component) {
        this.component = component;
    }

    public String component() {
        return component;
    }

    public boolean isDebugEnabled() {
        return Log.sink().enabled(Level.DEBUG);
    }

    public boolean isEnabled(Level level) {
        return Log.sink().enabled(level);
    }

    public void debug(String message) {
        Log.sink().write(Level.DEBUG, component, message);
    }

    public void info(String message) {
        Log.sink().write(Level.INFO, component, message);
    }

    public void warn(String message) {
        Log.sink().write(Level.WARN, component, message);
    }

    public void error(String message) {
        Log.sink().write(Level.ERROR, component, message);
    }

    public void debug(String message, Throwable problem) {
        Log.sink().write(Level.DEBUG, component, message, problem);
    }

    public void info(String message, Throwable problem) {
        Log.sink().write(Level.INFO, component, message, problem);
    }

    public void warn(String message, Throwable problem) {
        Log.sink().write(Level.WARN, component, message, problem);
    }

    public void error(String message, Throwable problem) {
        Log.sink().write(Level.ERROR, component, message, problem);
    }
}
