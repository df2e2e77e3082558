package dev.sensorpub.sensor.pi4j;

import com.pi4j.library.linuxfs.LinuxFile;
import dev.sensorpub.log.Problems;

/**
 * Finds the kernel's errno under Pi4J's wrappers ("Failed to execute action for device 118 on
 * bus 1" hides an IOException "Remote I/O error"), so a message can name it and say what it
 * means on a Pi's bus.
 */
final class IoErrors {
    /** errno name, number, and glibc's strerror text; longer texts first where one contains another. */
    private static final String[][] KNOWN = {
        {"EREMOTEIO", "121", "Remote I/O error"},
        {"ENXIO", "6", "No such device or address"},
        {"ENODEV", "19", "No such device"},
        {"EIO", "5", "Input/output error"},
        {"ETIMEDOUT", "110", "Connection timed out"},
        {"EBUSY", "16", "Device or resource busy"},
        {"EACCES", "13", "Permission denied"},
        {"ENOENT", "2", "No such file or directory"},
        {"EAGAIN", "11", "Resource temporarily unavailable"},
    };

    private IoErrors() {
    }

    /** "EREMOTEIO" for the first errno found along the cause chain, or null. */
    static String errno(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t instanceof LinuxFile.LinuxFileException e) {
                for (String[] known : KNOWN) {
                    if (known[1].equals(Integer.toString(e.getCode()))) {
                        return known[0];
                    }
                }
            }
            String message = t.getMessage();
            if (message != null) {
                for (String[] known : KNOWN) {
                    if (message.contains(known[2])) {
                        return known[0];
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The innermost message along the cause chain: the one closest to the kernel. */
    static String innermostMessage(Throwable problem) {
        String message = null;
        for (Throwable t = problem; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : Problems.describe(problem);
    }

    /**
     * What a bus transfer failure means: "NACK (EREMOTEIO) reading register 0xd0: nothing
     * answers at this address; check wiring and address".
     */
    static String busFailure(String what, Throwable problem) {
        String errno = errno(problem);
        if (errno == null) {
            return what + " failed: " + innermostMessage(problem);
        }
        return switch (errno) {
            case "EREMOTEIO", "ENXIO" -> "NACK (" + errno + ") " + what + ": nothing answers; check wiring and address";
            case "EIO" -> "bus error (EIO) " + what + ": check wiring, pull-ups and power";
            case "ETIMEDOUT" -> "bus timeout (ETIMEDOUT) " + what + ": a line is held low; check wiring, power-cycle";
            case "EBUSY" -> "busy (EBUSY) " + what + ": a kernel driver owns the device; check dtoverlay lines";
            default -> what + " failed (" + errno + ": " + innermostMessage(problem) + ")";
        };
    }
}
