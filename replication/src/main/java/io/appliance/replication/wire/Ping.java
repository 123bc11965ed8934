package io.appliance.replication.wire;

/** Sent after ping-int of silence; answered by PingAck. */
public record Ping() implements Packet {
    @Override
    public Command command() {
        return Command.PING;
    }
}
