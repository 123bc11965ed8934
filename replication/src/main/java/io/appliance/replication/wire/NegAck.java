package io.appliance.replication.wire;

/** The peer failed to write Data(sequence) or Discard(sequence). {@code reason} is cut to 255 UTF-8 bytes if longer. */
public record NegAck(long sequence, String reason) implements Packet {
    public NegAck {
        reason = FieldChecks.truncated(reason, "reason");
    }

    @Override
    public Command command() {
        return Command.NEG_ACK;
    }
}
