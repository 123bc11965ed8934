package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The blocks asked for by ReadRequest(id).
 *
 * <p>Reference counted ({@link DataPacket}): the consumer releases it once. Equality compares the
 * data's readable bytes; {@link #toString()} shows only its length.
 */
public record ReadReply(long id, ByteBuf data) implements DataPacket {
    public ReadReply {
        FieldChecks.data(data);
    }

    @Override
    public Command command() {
        return Command.READ_REPLY;
    }

    @Override
    public String toString() {
        return "ReadReply[id=" + id + ", dataBytes=" + (data.refCnt() > 0 ? data.readableBytes() : "released") + "]";
    }
}
