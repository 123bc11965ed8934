package io.appliance.replication.wire;

/** Flushes the peer's backing after every earlier write; answered by FlushAck. */
public record Flush(long sequence) implements Packet {
    @Override
    public Command command() {
        return Command.FLUSH;
    }
}
