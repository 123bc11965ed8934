package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A packet that carries block data in a {@link ByteBuf}. Its reference count is the data's:
 * the packet owns one reference to {@link #data()} and whoever consumes the packet releases it
 * exactly once ({@code ReferenceCountUtil.release(packet)} or {@link #release()}). A decoded
 * packet's data is a retained slice of the received bytes (no copy); an encoded packet's data is
 * written to the socket as its own buffer (no copy) and released by the encoder.
 */
public sealed interface DataPacket extends Packet, ReferenceCounted permits Data, ReadReply, ResyncData {

    /** The block data: its readable bytes, a positive multiple of 512. */
    ByteBuf data();

    @Override
    default int refCnt() {
        return data().refCnt();
    }

    @Override
    default DataPacket retain() {
        data().retain();
        return this;
    }

    @Override
    default DataPacket retain(int increment) {
        data().retain(increment);
        return this;
    }

    @Override
    default DataPacket touch() {
        data().touch();
        return this;
    }

    @Override
    default DataPacket touch(Object hint) {
        data().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return data().release();
    }

    @Override
    default boolean release(int decrement) {
        return data().release(decrement);
    }
}
