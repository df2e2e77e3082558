package dev.sensorpub.bench;

import dev.sensorpub.payload.PayloadFormatter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of turning one reading into its payload, against the JDK's obvious way
 * (String.format + getBytes), which is what the formatter exists to avoid.
 * Run with -prof gc to see bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadFormatterBenchmark {
    private final PayloadFormatter plain = PayloadFormatter.number(false, 2, 1, 0, "");
    private final PayloadFormatter json = PayloadFormatter.number(true, 2, 1, 0, "C");
    private final byte[] buffer = new byte[128];
    private double value = 21.537;
    private long timestamp = 1_795_256_102_123L;

    @Benchmark
    public int plainNumber() {
        value += 0.001;
        return plain.format(value, timestamp, buffer, 0);
    }

    @Benchmark
    public int jsonWithTimestamp() {
        value += 0.001;
        timestamp += 7;
        return json.format(value, timestamp, buffer, 0);
    }

    @Benchmark
    public byte[] jdkStringFormat() {
        value += 0.001;
        return String.format("%.2f", value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
