package io.appliance.replication.wire;

/** Protocol B: the peer received Data(sequence). */
public record RecvAck(long sequence) implements Packet {
    @Override
    public Command command() {
        return Command.RECV_ACK;
    }
}
