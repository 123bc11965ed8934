package io.appliance.replication.wire;

import io.netty.channel.CombinedChannelDuplexHandler;

/**
 * {@link PacketDecoder} and {@link PacketEncoder} as one handler for a connection's pipeline.
 * Not sharable (the decoder has per-connection state).
 */
public final class PacketCodec extends CombinedChannelDuplexHandler<PacketDecoder, PacketEncoder> {

    /** @param maxDataBytes see {@link PacketDecoder#PacketDecoder(long)} */
    public PacketCodec(long maxDataBytes) {
        super(new PacketDecoder(maxDataBytes), new PacketEncoder());
    }
}
