package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * The sync source's blocks at {@code offset} answering ResyncRequest(id) or CsumResyncRequest(id).
 *
 * <p>Reference counted ({@link DataPacket}): the consumer releases it once. Equality compares the
 * data's readable bytes; {@link #toString()} shows only its length.
 */
public record ResyncData(long id, long offset, ByteBuf data) implements DataPacket {
    public ResyncData {
        FieldChecks.offset(offset, "offset");
        FieldChecks.data(data);
    }

    @Override
    public Command command() {
        return Command.RESYNC_DATA;
    }

    @Override
    public String toString() {
        return "ResyncData[id=" + id + ", offset=" + offset + ", dataBytes="
                + (data.refCnt() > 0 ? data.readableBytes() : "released") + "]";
    }
}
