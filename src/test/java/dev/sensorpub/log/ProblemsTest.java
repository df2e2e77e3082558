package dev.sensorpub.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class ProblemsTest {
    @Test
    void describesSimpleClassNameAndMessage() {
        assertEquals("IOException: Connection reset", Problems.describe(new IOException("Connection reset")));
    }

    @Test
    void anExceptionWithoutMessageIsJustItsClass() {
        assertEquals("EOFException", Problems.describe(new EOFException()));
    }

    @Test
    void causesFollowInOneParenthesis() {
        SocketException reset = new SocketException("Connection reset");
        reset.initCause(new EOFException());
        IOException e = new IOException("read failed", reset);
        assertEquals("IOException: read failed (caused by SocketException: Connection reset; EOFException)",
                Problems.describe(e));
    }

    @Test
    void aWrapperWhoseMessageIsItsCauseDoesNotRepeatIt() {
        UncheckedIOException e = new UncheckedIOException(new IOException("disk full"));
        assertEquals("UncheckedIOException (caused by IOException: disk full)", Problems.describe(e));
    }

    @Test
    void aLongChainIsCutAfterFourCauses() {
        Throwable e = new IOException("c5");
        for (int i = 4; i >= 0; i--) {
            e = new IOException("c" + i, e);
        }
        assertEquals("IOException: c0 (caused by IOException: c1; IOException: c2; IOException: c3; "
                + "IOException: c4; ...)", Problems.describe(e));
    }

    @Test
    void aCircularChainEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertEquals("IOException: a (caused by IOException: b; IOException: a; IOException: b; IOException: a; ...)",
                Problems.describe(a));
    }

    @Test
    void anonymousClassesUseTheirFullName() {
        RuntimeException anonymous = new RuntimeException("x") {
        };
        assertEquals(anonymous.getClass().getName() + ": x", Problems.describe(anonymous));
    }

    @Test
    void nullIsSaidPlainly() {
        assertEquals("(no exception)", Problems.describe(null));
    }
}
