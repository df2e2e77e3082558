package dev.sensorpub.output;

import java.util.ArrayList;
import java.util.List;

/** A pure-Java GPIO line: remembers its level and every write; can be told to fail. */
final class FakeLine implements DigitalOutput {
    final int pin;
    final List<Boolean> writes = new ArrayList<>();
    boolean high;
    boolean failing;
    boolean closed;
    Boolean shutdownHigh;
    private boolean recording = true;

    FakeLine(int pin, boolean initialHigh) {
        this.pin = pin;
        this.high = initialHigh;
    }

    /** Stops recording writes (the list would allocate) for allocation measurements. */
    void stopRecording() {
        recording = false;
    }

    @Override
    public void write(boolean level) {
        if (failing) {
            throw new IllegalStateException("line busy");
        }
        high = level;
        if (recording) {
            writes.add(level);
        }
    }

    @Override
    public String describe() {
        return "GPIO " + pin;
    }

    @Override
    public void close() {
        closed = true;
    }
}
