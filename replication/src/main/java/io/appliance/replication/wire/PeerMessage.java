package io.appliance.replication.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * An application message for the peer (since protocol version {@value WireFormat#PEER_MESSAGES_VERSION}):
 * an opaque payload on a named channel, answered by {@link PeerMessageReply} with the same id once the peer's
 * handler of that channel returned. Layout: u64 id | string channel | u32 payload length | payload.
 *
 * @param id      the sender's identifier of this message, echoed by the reply
 * @param channel 1..{@value WireFormat#MAX_PEER_CHANNEL_CHARS} ASCII characters of {@code [A-Za-z0-9._:/-]}
 * @param payload at most {@value WireFormat#MAX_PEER_MESSAGE_BYTES} bytes (may be empty); the record keeps a copy
 */
public record PeerMessage(long id, String channel, byte[] payload) implements Packet {
    public PeerMessage {
        checkChannel(channel);
        Objects.requireNonNull(payload, "payload");
        if (payload.length > WireFormat.MAX_PEER_MESSAGE_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes, more than "
                    + WireFormat.MAX_PEER_MESSAGE_BYTES);
        }
        payload = payload.clone();
    }

    /**
     * Checks a channel name: 1..{@value WireFormat#MAX_PEER_CHANNEL_CHARS} characters, each an ASCII letter,
     * digit or one of {@code . _ : / -}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkChannel(String channel) {
        Objects.requireNonNull(channel, "channel");
        if (channel.isEmpty() || channel.length() > WireFormat.MAX_PEER_CHANNEL_CHARS) {
            throw new IllegalArgumentException("channel of " + channel.length() + " characters, outside 1.."
                    + WireFormat.MAX_PEER_CHANNEL_CHARS);
        }
        for (int i = 0; i < channel.length(); i++) {
            if (!channelCharacter(channel.charAt(i))) {
                throw new IllegalArgumentException("channel '" + channel + "' has a character outside [A-Za-z0-9._:/-]"
                        + " at index " + i);
            }
        }
        return channel;
    }

    private static boolean channelCharacter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    int payloadLength() {
        return payload.length;
    }

    /** u32 length and the payload bytes, without an intermediate copy. */
    void writePayload(ByteBuf out) {
        out.writeInt(payload.length);
        out.writeBytes(payload);
    }

    @Override
    public Command command() {
        return Command.PEER_MESSAGE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerMessage that && id == that.id && channel.equals(that.channel)
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, channel, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "PeerMessage[id=" + id + ", channel=" + channel + ", " + payload.length + " bytes]";
    }
}
