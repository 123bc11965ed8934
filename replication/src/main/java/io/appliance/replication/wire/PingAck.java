package io.appliance.replication.wire;

/** The answer to Ping. */
public record PingAck() implements Packet {
    @Override
    public Command command() {
        return Command.PING_ACK;
    }
}
