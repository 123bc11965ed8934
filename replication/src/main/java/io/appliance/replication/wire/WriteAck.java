package io.appliance.replication.wire;

/** Protocol C: the peer's write of Data(sequence) is done. */
public record WriteAck(long sequence) implements Packet {
    @Override
    public Command command() {
        return Command.WRITE_ACK;
    }
}
