package io.netty.handler.codec.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Benchmark-only door to Netty's package-private {@code MqttEncoder.doEncode}, so the codec
 * comparison times Netty's encoder itself rather than a whole channel pipeline around it.
 */
public final class NettyMqttEncoderAccess {
    private NettyMqttEncoderAccess() {
    }

    public static ByteBuf encode(ChannelHandlerContext ctx, MqttMessage message) {
        return MqttEncoder.doEncode(ctx, message);
    }
}
