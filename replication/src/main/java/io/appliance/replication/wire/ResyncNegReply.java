package io.appliance.replication.wire;

/** The sync source could not read the requested blocks; {@code reason} is cut to 255 UTF-8 bytes if longer. */
public record ResyncNegReply(long id, long offset, int length, String reason) implements Packet {
    public ResyncNegReply {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
        reason = FieldChecks.truncated(reason, "reason");
    }

    @Override
    public Command command() {
        return Command.RESYNC_NEG_REPLY;
    }
}
