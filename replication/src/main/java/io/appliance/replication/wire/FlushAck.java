package io.appliance.replication.wire;

/** The peer flushed after every write before Flush(sequence). */
public record FlushAck(long sequence) implements Packet {
    @Override
    public Command command() {
        return Command.FLUSH_ACK;
    }
}
