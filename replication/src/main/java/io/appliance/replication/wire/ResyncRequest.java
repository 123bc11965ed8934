package io.appliance.replication.wire;

/** SyncTarget asks for the source's blocks; answered by ResyncData or ResyncNegReply. */
public record ResyncRequest(long id, long offset, int length) implements Packet {
    public ResyncRequest {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
    }

    @Override
    public Command command() {
        return Command.RESYNC_REQUEST;
    }
}
