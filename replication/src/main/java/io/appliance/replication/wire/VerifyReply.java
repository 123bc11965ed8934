package io.appliance.replication.wire;

/** VerifyT's answer to a VerifyRequest: whether its digest of the chunk matched. */
public record VerifyReply(long id, long offset, int length, boolean inSync) implements Packet {
    public VerifyReply {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
    }

    @Override
    public Command command() {
        return Command.VERIFY_REPLY;
    }
}
