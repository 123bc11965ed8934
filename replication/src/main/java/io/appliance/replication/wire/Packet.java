package io.appliance.replication.wire;

/**
 * One message of the replication protocol (design §4). Each record names its {@link Command};
 * the field layout of every command is in {@link PacketFields}. The records check their
 * arguments, so whatever can be constructed can be encoded; the decoder checks the same rules
 * against the peer's bytes and emits a {@link MalformedPacket} instead.
 *
 * <p>Packets with block data ({@link DataPacket}: {@link Data}, {@link ReadReply},
 * {@link ResyncData}) are reference counted: whoever consumes one releases it (writing it to a
 * channel consumes it).
 */
public sealed interface Packet
        permits DataPacket, Hello, AuthChallenge, AuthResponse, Refused, Params, Sizes, Uuids, State,
                BitmapChunk, BitmapDone, SyncStart, Discard, Flush, FlushAck, RecvAck, WriteAck, NegAck,
                ReadRequest, NegReadReply, ResyncRequest, CsumResyncRequest, ResyncInSync, ResyncNegReply,
                ResyncFinished, VerifyRequest, VerifyReply, VerifyDone, Ping, PingAck, PeerMessage,
                PeerMessageReply {

    Command command();
}
