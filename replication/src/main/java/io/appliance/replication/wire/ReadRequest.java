package io.appliance.replication.wire;

/** A Diskless or SyncTarget node reads {@code length} bytes at {@code offset} from the peer; answered by ReadReply or NegReadReply. */
public record ReadRequest(long id, long offset, int length) implements Packet {
    public ReadRequest {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
    }

    @Override
    public Command command() {
        return Command.READ_REQUEST;
    }
}
