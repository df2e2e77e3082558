package dev.sensorpub.log;

/**
 * Turns an exception into the one-line form every package logs, class names without packages:
 * {@code IOException: read failed (caused by SocketException: Connection reset)}. Stack traces
 * are for developers and only printed on request (see {@link LogSettings#stackTraces()}).
 */
public final class Problems {
    /** Causes beyond this depth are not described; real chains are two or three deep. */
    static final int MAX_CAUSES = 4;

    private Problems() {
    }

    /**
     * {@code Class: message}, then each cause as {@code (caused by Class: message; Class: message)}.
     * A message that merely repeats its cause's {@code toString()} (what {@code new X(cause)}
     * produces) is left out so the cause is not printed twice.
     */
    public static String describe(Throwable problem) {
        if (problem == null) {
            return "(no exception)";
        }
        StringBuilder line = new StringBuilder(80);
        appendOne(line, problem);
        Throwable cause = problem.getCause();
        if (cause == null) {
            return line.toString();
        }
        line.append(" (caused by ");
        for (int depth = 0; cause != null; depth++) {
            if (depth == MAX_CAUSES) {
                line.append("; ...");
                break;
            }
            if (depth > 0) {
                line.append("; ");
            }
            appendOne(line, cause);
            cause = cause.getCause();
        }
        line.append(')');
        return line.toString();
    }

    static String className(Throwable t) {
        String simple = t.getClass().getSimpleName();
        return simple.isEmpty() ? t.getClass().getName() : simple;
    }

    private static void appendOne(StringBuilder line, Throwable t) {
        line.append(className(t));
        String message = t.getMessage();
        Throwable cause = t.getCause();
        boolean repeatsCause = cause != null && cause.toString().equals(message);
        if (message != null && !message.isEmpty() && !repeatsCause) {
            line.append(": ").append(message);
        }
    }
}
