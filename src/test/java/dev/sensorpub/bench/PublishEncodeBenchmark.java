package dev.sensorpub.bench;

import dev.sensorpub.codec.PacketEncoder;
import dev.sensorpub.codec.Topic;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.NettyMqttEncoderAccess;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one QoS 1 PUBLISH (25-byte topic) into a byte array, four ways: sensorpub's encoder,
 * Paho Java 1.2.5's wire classes (what its MqttOutputStream does: header and payload arrays,
 * then copied out), Netty's MqttEncoder (into a pooled ByteBuf, then copied out), and a plain
 * System.arraycopy of the finished packet as the floor. Every variant ends with the same bytes
 * in the same output array, so the comparison is of the encoding work alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishEncodeBenchmark {
    static final String TOPIC = "sensorpub/bench/topic/001";

    @Param({"32", "256"})
    public int payloadSize;

    private final Topic topic = Topic.name(TOPIC);
    private byte[] payload;
    private byte[] out;
    private byte[] finishedPacket;
    private int finishedLength;
    private int packetId;

    private EmbeddedChannel nettyChannel;
    private ChannelHandlerContext nettyContext;
    private MqttFixedHeader nettyFixedHeader;

    @Setup
    public void setUp() {
        if (topic.length() != 25) {
            throw new IllegalStateException("the benchmark topic must be 25 bytes, is " + topic.length());
        }
        payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) ('0' + i % 10);
        }
        out = new byte[PacketEncoder.publishSize(topic.length(), payloadSize, 1)];
        finishedPacket = new byte[out.length];
        finishedLength = PacketEncoder.encodePublish(finishedPacket, 0, topic, 1, false, false, 1, payload, 0,
                payloadSize);
        nettyChannel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        nettyContext = nettyChannel.pipeline().context(MqttEncoder.INSTANCE);
        nettyFixedHeader = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0);
    }

    @TearDown
    public void tearDown() {
        nettyChannel.finishAndReleaseAll();
    }

    byte[] output() {
        return out;
    }

    private int nextPacketId() {
        packetId = packetId == 65_535 ? 1 : packetId + 1;
        return packetId;
    }

    @Benchmark
    public int sensorpub() {
        return PacketEncoder.encodePublish(out, 0, topic, 1, false, false, nextPacketId(), payload, 0, payloadSize);
    }

    @Benchmark
    public int paho() throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        MqttPublish publish = new MqttPublish(TOPIC, message);
        publish.setMessageId(nextPacketId());
        byte[] header = publish.getHeader();
        byte[] body = publish.getPayload();
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return header.length + body.length;
    }

    @Benchmark
    public int netty() {
        MqttPublishMessage message = new MqttPublishMessage(nettyFixedHeader,
                new MqttPublishVariableHeader(TOPIC, nextPacketId()), Unpooled.wrappedBuffer(payload));
        ByteBuf encoded = NettyMqttEncoderAccess.encode(nettyContext, message);
        int n = encoded.readableBytes();
        encoded.getBytes(encoded.readerIndex(), out, 0, n);
        encoded.release();
        message.release();
        return n;
    }

    @Benchmark
    public int arraycopyFloor() {
        System.arraycopy(finishedPacket, 0, out, 0, finishedLength);
        return finishedLength;
    }
}
