package io.appliance.replication.wire;

/** Replicated discard (UNMAP / WRITE SAME with unmap) of {@code length} bytes at {@code offset}; acked like Data. */
public record Discard(long sequence, long offset, long length) implements Packet {
    public Discard {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
    }

    @Override
    public Command command() {
        return Command.DISCARD;
    }
}
