package dev.sensorpub.log;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns an exception into the one-line, plain-words form every package logs and the health
 * message carries: {@code read failed (caused by Connection reset)}. A person reads it, so it
 * names what happened, never a Java class: the message where there is one, else a few words for
 * the kind of failure. Stack traces, with class names, are for developers and only printed on
 * request (see {@link LogSettings#stackTraces()}).
 */
public final class Problems {
    /** Causes beyond this depth are not described; real chains are two or three deep. */
    static final int MAX_CAUSES = 4;

    /**
     * A Java class name ending in Exception or Error, qualified or not, with the ": " after it:
     * what {@code new X(cause)} and many libraries put into a message.
     */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9_$]*?[A-Za-z0-9](?:Exception|Error)\\b(?::\\s*)?");

    private Problems() {
    }

    /**
     * The problem's own words, then each cause's as {@code (caused by a; b)}. A level that says
     * nothing the next one does not say (what {@code new X(cause)} produces) is left out, so
     * nothing is printed twice.
     */
    public static String describe(Throwable problem) {
        if (problem == null) {
            return "(no problem given)";
        }
        List<String> parts = new ArrayList<>(4);
        Throwable t = problem;
        for (int depth = 0; t != null && depth <= MAX_CAUSES; depth++) {
            String words = words(t);
            int last = parts.size() - 1;
            if (last >= 0 && (words.isEmpty() || containsIgnoringCase(parts.get(last), words))) {
                // nothing new at this level ("connect failed: connection refused" caused by "Connection refused")
            } else if (last >= 0 && containsIgnoringCase(words, parts.get(last))) {
                parts.set(last, words); // the level above only repeated this one
            } else if (!words.isEmpty()) {
                parts.add(words);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        boolean more = t != null;
        if (parts.isEmpty()) {
            parts.add(kind(problem));
        }
        StringBuilder line = new StringBuilder(80).append(parts.get(0));
        if (parts.size() > 1 || more) {
            line.append(" (caused by ");
            for (int i = 1; i < parts.size(); i++) {
                line.append(i > 1 ? "; " : "").append(parts.get(i));
            }
            line.append(more ? (parts.size() > 1 ? "; ...)" : "...)") : ")");
        }
        return line.toString();
    }

    private static boolean containsIgnoringCase(String text, String part) {
        return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }

    /** For the stack traces printed on request only: the simple class name. */
    static String className(Throwable t) {
        String simple = t.getClass().getSimpleName();
        return simple.isEmpty() ? t.getClass().getName() : simple;
    }

    /** One level in plain words; empty when it has no message and its kind says nothing. */
    private static String words(Throwable t) {
        String message = message(t);
        String prefix = prefix(t);
        if (prefix != null) {
            return message.isEmpty() ? prefix : prefix + ": " + message;
        }
        if (!message.isEmpty() && !hidesMessage(t)) {
            return message;
        }
        return t.getCause() != null && !hidesMessage(t) ? "" : kind(t);
    }

    /** The message without any class names in it, trimmed; empty if there is none. */
    private static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return "";
        }
        return CLASS_NAME.matcher(m).replaceAll("").trim();
    }

    /** Kinds whose message alone (a path, a host name) does not say what went wrong. */
    private static String prefix(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return "no such file";
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (t instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (t instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host";
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        if (t instanceof NumberFormatException) {
            return "not a number";
        }
        return null;
    }

    /** Messages the JVM writes for programming errors name Java classes and methods: not shown. */
    private static boolean hidesMessage(Throwable t) {
        return t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof LinkageError || t instanceof ClassNotFoundException;
    }

    /** A few words for the kind of failure, for a level without a message. */
    static String kind(Throwable t) {
        if (t instanceof NullPointerException) {
            return "a value was missing (a bug)";
        }
        if (t instanceof ClassCastException) {
            return "a value had the wrong type (a bug)";
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow (a bug)";
        }
        if (t instanceof LinkageError || t instanceof ClassNotFoundException) {
            return "part of the program is missing or broken (reinstall the jar)";
        }
        if (t instanceof ClosedByInterruptException || t instanceof InterruptedException
                || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
            return "interrupted";
        }
        if (t instanceof AsynchronousCloseException) {
            return "closed by another thread";
        }
        if (t instanceof ClosedChannelException) {
            return "already closed";
        }
        if (t instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (t instanceof EOFException) {
            return "the other end closed the connection";
        }
        if (t instanceof ReadOnlyFileSystemException) {
            return "read-only file system";
        }
        if (t instanceof UnsupportedOperationException) {
            return "not supported";
        }
        if (t instanceof java.io.IOException) {
            return "input/output error";
        }
        String prefix = prefix(t);
        return prefix != null ? prefix : "unexpected failure";
    }
}
