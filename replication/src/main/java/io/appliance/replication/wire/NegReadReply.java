package io.appliance.replication.wire;

/** The peer could not serve ReadRequest(id). {@code reason} is cut to 255 UTF-8 bytes if longer. */
public record NegReadReply(long id, String reason) implements Packet {
    public NegReadReply {
        reason = FieldChecks.truncated(reason, "reason");
    }

    @Override
    public Command command() {
        return Command.NEG_READ_REPLY;
    }
}
