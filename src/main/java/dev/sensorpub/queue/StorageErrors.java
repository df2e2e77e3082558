package dev.sensorpub.queue;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

/** Storage failures in words for a log line: what went wrong and on which file, no class names. */
final class StorageErrors {
    private StorageErrors() {
    }

    static String describe(Exception problem) {
        if (problem instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (problem instanceof NoSuchFileException missing) {
            return "no such file or directory: " + missing.getFile();
        }
        if (problem instanceof FileAlreadyExistsException there) {
            // Also a link to a missing directory, which Files.exists calls absent.
            return "already exists: " + there.getFile();
        }
        if (problem instanceof NotDirectoryException notDirectory) {
            return "not a directory: " + notDirectory.getFile();
        }
        if (problem instanceof ReadOnlyFileSystemException) {
            return "read-only file system";
        }
        if (problem instanceof FileSystemException failed) {
            String reason = failed.getReason();
            return (reason == null ? "file system error" : reason) + ": " + failed.getFile();
        }
        String message = problem.getMessage();
        return message == null || message.isEmpty() ? "input/output error" : message;
    }
}
