package io.appliance.replication.wire;

/**
 * The answer to {@link PeerMessage}(id): {@code ok} when the receiver's handler of the channel returned
 * normally, else {@code reason} says why not (no handler for the channel, or what the handler threw).
 * Layout: u64 id | u8 ok | string reason.
 *
 * @param reason empty when ok; cut to 255 UTF-8 bytes if longer
 */
public record PeerMessageReply(long id, boolean ok, String reason) implements Packet {
    public PeerMessageReply {
        reason = FieldChecks.truncated(reason, "reason");
    }

    public static PeerMessageReply accepted(long id) {
        return new PeerMessageReply(id, true, "");
    }

    public static PeerMessageReply failed(long id, String reason) {
        return new PeerMessageReply(id, false, reason);
    }

    @Override
    public Command command() {
        return Command.PEER_MESSAGE_REPLY;
    }
}
