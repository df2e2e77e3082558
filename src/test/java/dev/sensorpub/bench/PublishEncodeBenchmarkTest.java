package dev.sensorpub.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark only compares like with like if every variant writes the very same packet. */
class PublishEncodeBenchmarkTest {

    /** Fixed header (1 type byte, 1 or 2 length bytes), topic (2 + 25), packet id (2), payload. */
    @ParameterizedTest
    @CsvSource({"32, 63", "256, 288"})
    void everyVariantProducesTheSameBytes(int payloadSize, int packetSize) throws Exception {
        byte[] expected = encodeWith(payloadSize, 0);
        assertEquals(packetSize, expected.length);
        for (int variant = 1; variant < 4; variant++) {
            assertArrayEquals(expected, encodeWith(payloadSize, variant), "variant " + variant);
        }
    }

    private static byte[] encodeWith(int payloadSize, int variant) throws Exception {
        PublishEncodeBenchmark b = new PublishEncodeBenchmark();
        b.payloadSize = payloadSize;
        b.setUp();
        try {
            int n = switch (variant) {
                case 0 -> b.sensorpub();
                case 1 -> b.paho();
                case 2 -> b.netty();
                default -> {
                    b.sensorpub(); // the floor copies the packet with id 1, as the first encode makes
                    yield b.arraycopyFloor();
                }
            };
            return Arrays.copyOf(b.output(), n);
        } finally {
            b.tearDown();
        }
    }
}
