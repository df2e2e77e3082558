package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A person reads these lines: plain words, one line, never a Java class name. */
class ProblemsTest {
    @Test
    void aProblemWithAMessageIsItsMessage() {
        assertEquals("Connection reset", Problems.describe(new IOException("Connection reset")));
    }

    @Test
    void aProblemWithoutAMessageIsSaidInAFewWordsForItsKind() {
        assertEquals("the other end closed the connection", Problems.describe(new EOFException()));
        assertEquals("already closed", Problems.describe(new ClosedChannelException()));
        assertEquals("input/output error", Problems.describe(new IOException()));
        assertEquals("unexpected failure", Problems.describe(new IllegalStateException()));
    }

    @Test
    void aMessageThatIsOnlyAPathOrAHostSaysWhatWentWrongWithIt() {
        assertEquals("no such file: /sys/class/thermal/thermal_zone9/temp",
                Problems.describe(new NoSuchFileException("/sys/class/thermal/thermal_zone9/temp")));
        assertEquals("permission denied: /dev/i2c-1", Problems.describe(new AccessDeniedException("/dev/i2c-1")));
        assertEquals("unknown host: broker.local", Problems.describe(new UnknownHostException("broker.local")));
    }

    @Test
    void causesFollowInOneParenthesis() {
        SocketException reset = new SocketException("Connection reset");
        reset.initCause(new EOFException());
        IOException e = new IOException("read failed", reset);
        assertEquals("read failed (caused by Connection reset; the other end closed the connection)",
                Problems.describe(e));
    }

    @Test
    void aLevelThatRepeatsTheNextIsSaidOnce() {
        assertEquals("disk full", Problems.describe(new UncheckedIOException(new IOException("disk full"))));
        assertEquals("connect to 10.0.0.5:1883 failed: connection refused", Problems.describe(
                new IOException("connect to 10.0.0.5:1883 failed: connection refused",
                        new ConnectException("Connection refused"))), "letter case is no news");
        assertEquals("connect to 10.0.0.5:1883 failed: Connection refused", Problems.describe(
                new IOException("connect to 10.0.0.5:1883 failed: Connection refused",
                        new ConnectException("Connection refused"))));
        assertEquals("the other end closed the connection",
                Problems.describe(new RuntimeException(new EOFException())));
    }

    @Test
    void classNamesInsideMessagesAreLeftOut() {
        assertEquals("PKIX path building failed: unable to find valid certification path", Problems.describe(
                new IOException("PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
                        + "unable to find valid certification path")));
        assertEquals("IO instance with address 0 already exists",
                Problems.describe(new RuntimeException("IOAlreadyExistsException IO instance with address 0 already exists")));
        assertEquals("Error 5 on the bus", Problems.describe(new IOException("Error 5 on the bus")), "a plain word stays");
    }

    @Test
    void programmingErrorsSayBugWithoutTheJvmsClassAndMethodNames() {
        String s = null;
        NullPointerException npe = null;
        try {
            s.length();
        } catch (NullPointerException e) {
            npe = e;
        }
        assertEquals("a value was missing (a bug)", Problems.describe(npe));
        Object number = 1;
        ClassCastException cce = null;
        try {
            s = (String) number;
        } catch (ClassCastException e) {
            cce = e;
        }
        assertEquals("a value had the wrong type (a bug)", Problems.describe(cce));
        assertEquals("part of the program is missing or broken (reinstall the jar)",
                Problems.describe(new NoClassDefFoundError("com/pi4j/Pi4J")));
    }

    @Test
    void noDescriptionNamesAJavaClass() {
        List<Throwable> problems = List.of(new IOException("read failed", new SocketException("reset")),
                new IllegalStateException("bus closed"), new UnsupportedOperationException(),
                new RuntimeException(new java.util.concurrent.TimeoutException()), new OutOfMemoryError("Java heap space"),
                new NumberFormatException("For input string: \"x\""), new StackOverflowError(),
                new RuntimeException("x") {
                });
        for (Throwable t : problems) {
            String line = Problems.describe(t);
            assertFalse(line.matches(".*[A-Z][A-Za-z]+(Exception|Error).*"), line);
            assertFalse(line.contains("java.") || line.contains("$"), line);
        }
    }

    @Test
    void aLongChainIsCutAfterFourCauses() {
        Throwable e = new IOException("c5");
        for (int i = 4; i >= 0; i--) {
            e = new IOException("c" + i, e);
        }
        assertEquals("c0 (caused by c1; c2; c3; c4; ...)", Problems.describe(e));
    }

    @Test
    void aCircularChainEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertEquals("a (caused by b; a; b; a; ...)", Problems.describe(a));
    }

    @Test
    void nullIsSaidPlainly() {
        assertEquals("(no problem given)", Problems.describe(null));
    }
}
