package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;

/**
 * A replicated application write: {@code data} goes to {@code offset} on the peer, in sequence
 * order. Acked by RecvAck (protocol B), WriteAck (protocol C) or NegAck.
 *
 * <p>Reference counted ({@link DataPacket}): the packet owns one reference to {@code data}; the
 * consumer (the handler that applies it, or the channel it is written to) releases it once.
 * Equality compares the data's readable bytes; {@link #toString()} shows only its length.
 *
 * @param fua the write must be durable on the peer before it is acknowledged (SCSI FUA)
 */
public record Data(long sequence, long offset, boolean fua, ByteBuf data) implements DataPacket {
    public Data {
        FieldChecks.offset(offset, "offset");
        FieldChecks.data(data);
    }

    @Override
    public Command command() {
        return Command.DATA;
    }

    @Override
    public String toString() {
        return "Data[sequence=" + sequence + ", offset=" + offset + ", fua=" + fua + ", dataBytes="
                + (data.refCnt() > 0 ? data.readableBytes() : "released") + "]";
    }
}
