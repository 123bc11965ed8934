package io.appliance.replication.wire;

import java.util.Objects;

/**
 * What {@link PacketDecoder} emits instead of a packet when the peer's bytes break the format:
 * framing is lost, nothing after it is decoded, and the receiver must close the connection.
 * It is a decoder signal, not a {@link Packet}: it has no command and is never encoded.
 *
 * @param reason what was wrong, for the log ("bad magic 0x12345678", "DATA: data length 1000 is
 *               not a multiple of 512", ...)
 */
public record MalformedPacket(String reason) {
    public MalformedPacket {
        Objects.requireNonNull(reason, "reason");
    }
}
