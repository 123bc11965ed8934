package io.appliance.replication.wire;

/** The sender's sync decision after the handshake: which side is the source, full or bitmap resync. */
public record SyncStart(boolean senderIsSource, boolean fullSync) implements Packet {
    @Override
    public Command command() {
        return Command.SYNC_START;
    }
}
