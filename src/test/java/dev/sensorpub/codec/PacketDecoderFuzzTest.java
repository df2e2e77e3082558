package dev.sensorpub.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Deterministic fuzzing of the decoder: valid streams in random splits must decode exactly;
 * mutated and random streams may only ever raise {@link MqttProtocolException}, must stop, and
 * must leave nothing behind that changes how the next connection's packets decode.
 *
 * <p>The suite runs 100,000 inputs of each kind; {@code -Dfuzz.inputs=N} runs more (the
 * benchmark script uses a longer run).
 */
class PacketDecoderFuzzTest {
    private static final int INPUTS = Integer.getInteger("fuzz.inputs", 100_000);
    private static final int MAX_PACKET_SIZE = 512;
    private static final byte[] PROBE = Hex.bytes("3b 09 00 03 61 2f 62 00 0a 68 69");
    private static final String PROBE_DESCRIPTION;

    static {
        try {
            List<String> d = new ArrayList<>();
            PacketDecoder decoder = new PacketDecoder(MAX_PACKET_SIZE);
            IncomingPacket p = new IncomingPacket();
            decoder.feed(PROBE, 0, PROBE.length);
            while (decoder.next(p)) {
                d.add(BrokerPacketGenerator.describe(p));
            }
            PROBE_DESCRIPTION = d.get(0);
        } catch (MqttProtocolException e) {
            throw new AssertionError(e);
        }
    }

    private final PacketDecoder decoder = new PacketDecoder(MAX_PACKET_SIZE);
    private final IncomingPacket packet = new IncomingPacket();

    @Test
    void validStreamsDecodeExactlyInAnySplit() throws Exception {
        BrokerPacketGenerator generator = new BrokerPacketGenerator(0x5EED_0001L);
        SplittableRandom random = new SplittableRandom(0x5EED_0002L);
        int decodedPackets = 0;
        for (int input = 0; input < INPUTS; input++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            int packets = 1 + random.nextInt(4);
            for (int i = 0; i < packets; i++) {
                generator.next(wire, expected);
            }
            List<String> actual = new ArrayList<>();
            feedInRandomSplits(wire.toByteArray(), random, actual);
            assertEquals(expected, actual, "input " + input);
            decodedPackets += actual.size();
        }
        assertTrue(decodedPackets >= INPUTS);
    }

    @Test
    void mutatedStreamsRaiseOnlyProtocolErrorsAndLeaveNoState() {
        BrokerPacketGenerator generator = new BrokerPacketGenerator(0x5EED_0003L);
        SplittableRandom random = new SplittableRandom(0x5EED_0004L);
        int errors = 0;
        for (int input = 0; input < INPUTS; input++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<String> ignored = new ArrayList<>();
            int packets = 1 + random.nextInt(3);
            for (int i = 0; i < packets; i++) {
                generator.next(wire, ignored);
            }
            byte[] bytes = mutate(wire.toByteArray(), random);
            errors += decodeExpectingOnlyProtocolErrors(bytes, random, input);
        }
        // Mutations of valid packets break most of them: a run that found no error is not fuzzing.
        assertTrue(errors > INPUTS / 4, "only " + errors + " of " + INPUTS + " mutated inputs were refused");
    }

    @Test
    void randomBytesRaiseOnlyProtocolErrorsAndLeaveNoState() {
        SplittableRandom random = new SplittableRandom(0x5EED_0005L);
        int errors = 0;
        for (int input = 0; input < INPUTS; input++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            errors += decodeExpectingOnlyProtocolErrors(bytes, random, input);
        }
        assertTrue(errors > INPUTS / 2, "only " + errors + " of " + INPUTS + " random inputs were refused");
    }

    /** Returns 1 if the input was refused. Afterwards a fresh connection must decode normally. */
    private int decodeExpectingOnlyProtocolErrors(byte[] bytes, SplittableRandom random, int input) {
        int refused = 0;
        try {
            feedInRandomSplits(bytes, random, new ArrayList<>());
        } catch (MqttProtocolException expected) {
            refused = 1;
        } catch (RuntimeException e) {
            fail("input " + input + " (" + Hex.of(bytes, 0, bytes.length) + ") threw " + e, e);
        }
        decoder.reset();
        List<String> probe = new ArrayList<>();
        try {
            feedInRandomSplits(PROBE, random, probe);
        } catch (MqttProtocolException e) {
            fail("after input " + input + " a valid packet was refused: " + e.getMessage());
        }
        assertEquals(List.of(PROBE_DESCRIPTION), probe, "after input " + input);
        return refused;
    }

    /**
     * Feeds {@code bytes} in random-sized pieces, decoding after each. Every call to next either
     * consumes a packet or returns false, so the loop is bounded by the input's length; the
     * guard makes a decoder that stops consuming fail instead of hang.
     */
    private void feedInRandomSplits(byte[] bytes, SplittableRandom random, List<String> out)
            throws MqttProtocolException {
        int fed = 0;
        int guard = 0;
        while (fed < bytes.length || decoder.pendingBytes() > 0) {
            if (++guard > 2 * bytes.length + 4) {
                fail("decoder stopped making progress with " + decoder.pendingBytes() + " bytes pending");
            }
            if (fed < bytes.length) {
                fed += decoder.feed(bytes, fed, Math.min(1 + random.nextInt(32), bytes.length - fed));
            }
            boolean any = false;
            while (decoder.next(packet)) {
                out.add(BrokerPacketGenerator.describe(packet));
                any = true;
            }
            if (!any && fed == bytes.length) {
                break; // a truncated packet: waits for bytes that will never come, which is correct
            }
        }
    }

    private static byte[] mutate(byte[] in, SplittableRandom random) {
        byte[] b = in.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(5)) {
                case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 1 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, random.nextInt(b.length + 1)));
                case 3 -> {
                    int at = random.nextInt(b.length);
                    byte[] grown = new byte[b.length + 1];
                    System.arraycopy(b, 0, grown, 0, at);
                    grown[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, grown, at + 1, b.length - at);
                    b = grown;
                }
                default -> {
                    if (b.length > 1) {
                        int at = random.nextInt(b.length);
                        byte[] shrunk = new byte[b.length - 1];
                        System.arraycopy(b, 0, shrunk, 0, at);
                        System.arraycopy(b, at + 1, shrunk, at, b.length - at - 1);
                        b = shrunk;
                    }
                }
            }
        }
        return b;
    }
}
