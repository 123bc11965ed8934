package io.appliance.replication.wire;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The payload layout of every command, written and read field by field in the same order
 * (design §4). Block data always comes last and takes the rest of the payload, so it needs no
 * length field of its own.
 */
final class PacketFields {

    private PacketFields() {
    }

    /** Writes the fixed fields of {@code packet} (not its block data). */
    static void write(Packet packet, ByteBuf out) {
        switch (packet.command()) {
            case HELLO -> {
                Hello hello = (Hello) packet;
                out.writeInt(hello.versionMin());
                out.writeInt(hello.versionMax());
                writeString(out, hello.resource());
                writeString(out, hello.nodeName());
                out.writeLong(hello.epoch());
            }
            case AUTH_CHALLENGE -> writeShortBytes(out, ((AuthChallenge) packet).challenge());
            case AUTH_RESPONSE -> writeShortBytes(out, ((AuthResponse) packet).response());
            case REFUSED -> {
                Refused refused = (Refused) packet;
                out.writeByte(refused.reason().ordinal());
                writeString(out, refused.message());
            }
            case PARAMS -> {
                Params params = (Params) packet;
                out.writeByte(params.protocol().ordinal());
                out.writeByte(params.sb0().ordinal());
                out.writeByte(params.sb1().ordinal());
                out.writeByte(params.sb2().ordinal());
                writeString(out, params.verifyAlg());
                writeString(out, params.csumsAlg());
                out.writeBoolean(params.allowTwoPrimaries());
            }
            case SIZES -> {
                Sizes sizes = (Sizes) packet;
                out.writeLong(sizes.dataBytes());
                out.writeLong(sizes.lastAgreedBytes());
                out.writeInt(sizes.blockSize());
            }
            case UUIDS -> {
                Uuids uuids = (Uuids) packet;
                writeIds(out, uuids.ids());
                out.writeLong(uuids.outOfSyncBlocks());
                out.writeInt(uuids.flags());
            }
            case STATE -> {
                State state = (State) packet;
                out.writeByte(state.role().ordinal());
                out.writeByte(state.disk().ordinal());
                out.writeByte(state.replication().ordinal());
                out.writeLong(state.epoch());
            }
            case BITMAP_CHUNK -> {
                BitmapChunk chunk = (BitmapChunk) packet;
                out.writeLong(chunk.firstWord());
                out.writeInt(chunk.wordCount());
                for (int i = 0; i < chunk.wordCount(); i++) {
                    out.writeLong(chunk.word(i));
                }
            }
            case BITMAP_DONE, PING, PING_ACK -> {
                // no fields
            }
            case SYNC_START -> {
                SyncStart start = (SyncStart) packet;
                out.writeBoolean(start.senderIsSource());
                out.writeBoolean(start.fullSync());
            }
            case DATA -> {
                Data data = (Data) packet;
                out.writeLong(data.sequence());
                out.writeLong(data.offset());
                out.writeByte(data.fua() ? DATA_FLAG_FUA : 0);
            }
            case DISCARD -> {
                Discard discard = (Discard) packet;
                out.writeLong(discard.sequence());
                out.writeLong(discard.offset());
                out.writeLong(discard.length());
            }
            case FLUSH -> out.writeLong(((Flush) packet).sequence());
            case FLUSH_ACK -> out.writeLong(((FlushAck) packet).sequence());
            case RECV_ACK -> out.writeLong(((RecvAck) packet).sequence());
            case WRITE_ACK -> out.writeLong(((WriteAck) packet).sequence());
            case NEG_ACK -> {
                NegAck negAck = (NegAck) packet;
                out.writeLong(negAck.sequence());
                writeString(out, negAck.reason());
            }
            case READ_REQUEST -> {
                ReadRequest request = (ReadRequest) packet;
                writeRange(out, request.id(), request.offset(), request.length());
            }
            case READ_REPLY -> out.writeLong(((ReadReply) packet).id());
            case NEG_READ_REPLY -> {
                NegReadReply reply = (NegReadReply) packet;
                out.writeLong(reply.id());
                writeString(out, reply.reason());
            }
            case RESYNC_REQUEST -> {
                ResyncRequest request = (ResyncRequest) packet;
                writeRange(out, request.id(), request.offset(), request.length());
            }
            case CSUM_RESYNC_REQUEST -> {
                CsumResyncRequest request = (CsumResyncRequest) packet;
                writeRange(out, request.id(), request.offset(), request.length());
                writeShortBytes(out, request.digest());
            }
            case RESYNC_DATA -> {
                ResyncData data = (ResyncData) packet;
                out.writeLong(data.id());
                out.writeLong(data.offset());
            }
            case RESYNC_IN_SYNC -> {
                ResyncInSync inSync = (ResyncInSync) packet;
                writeRange(out, inSync.id(), inSync.offset(), inSync.length());
            }
            case RESYNC_NEG_REPLY -> {
                ResyncNegReply reply = (ResyncNegReply) packet;
                writeRange(out, reply.id(), reply.offset(), reply.length());
                writeString(out, reply.reason());
            }
            case RESYNC_FINISHED -> writeIds(out, ((ResyncFinished) packet).sourceIds());
            case VERIFY_REQUEST -> {
                VerifyRequest request = (VerifyRequest) packet;
                writeRange(out, request.id(), request.offset(), request.length());
                writeShortBytes(out, request.digest());
            }
            case VERIFY_REPLY -> {
                VerifyReply reply = (VerifyReply) packet;
                writeRange(out, reply.id(), reply.offset(), reply.length());
                out.writeBoolean(reply.inSync());
            }
            case VERIFY_DONE -> out.writeLong(((VerifyDone) packet).outOfSyncBlocks());
            case PEER_MESSAGE -> {
                PeerMessage message = (PeerMessage) packet;
                out.writeLong(message.id());
                writeString(out, message.channel());
                message.writePayload(out);
            }
            case PEER_MESSAGE_REPLY -> {
                PeerMessageReply reply = (PeerMessageReply) packet;
                out.writeLong(reply.id());
                out.writeBoolean(reply.ok());
                writeString(out, reply.reason());
            }
        }
    }

    /** Data flags byte: bit 0 is FUA; the other bits are reserved and must be 0. */
    static final int DATA_FLAG_FUA = 1;

    /**
     * Reads the payload of {@code command}. The block data of a data command is a retained slice
     * of the payload, owned by the returned packet (released here if the packet cannot be built).
     */
    static Packet read(Command command, PayloadReader in) throws MalformedPayloadException {
        try {
            Packet packet = readFields(command, in);
            if (!command.carriesData()) {
                in.end();
            }
            return packet;
        } catch (IllegalArgumentException e) {
            // a value the record refuses (its own invariant) is the peer's malformed packet
            throw new MalformedPayloadException(e.getMessage());
        }
    }

    private static Packet readFields(Command command, PayloadReader in) throws MalformedPayloadException {
        return switch (command) {
            case HELLO -> new Hello(in.int32("versionMin"), in.int32("versionMax"), in.string("resource"),
                    in.string("nodeName"), in.nonNegative("epoch"));
            case AUTH_CHALLENGE -> new AuthChallenge(
                    in.shortBytes("challenge", WireFormat.MIN_CHALLENGE_BYTES, WireFormat.MAX_CHALLENGE_BYTES));
            case AUTH_RESPONSE -> new AuthResponse(in.shortBytes("response", 1, WireFormat.MAX_DIGEST_BYTES));
            case REFUSED -> new Refused(in.enumValue(RefusalReason.values(), "reason"), in.string("message"));
            case PARAMS -> new Params(in.enumValue(ReplicationProtocol.values(), "protocol"),
                    in.enumValue(AfterSb0Pri.values(), "after-sb-0pri"),
                    in.enumValue(AfterSb1Pri.values(), "after-sb-1pri"),
                    in.enumValue(AfterSb2Pri.values(), "after-sb-2pri"),
                    in.string("verify-alg"), in.string("csums-alg"), in.bool("allow-two-primaries"));
            case SIZES -> {
                long dataBytes = in.nonNegative("dataBytes");
                long lastAgreedBytes = in.nonNegative("lastAgreedBytes");
                int blockSize = in.int32("blockSize");
                if (!Sizes.validBlockSize(blockSize)) {
                    throw new MalformedPayloadException("field 'blockSize' " + blockSize
                            + " is not a power of two in 512..65536");
                }
                yield new Sizes(dataBytes, lastAgreedBytes, blockSize);
            }
            case UUIDS -> {
                GenerationIds ids = readIds(in);
                long outOfSync = in.nonNegative("outOfSyncBlocks");
                int flags = in.int32("flags");
                if ((flags & ~Uuids.KNOWN_FLAGS) != 0) {
                    throw new MalformedPayloadException("field 'flags' has unknown bits 0x" + Integer.toHexString(flags));
                }
                yield new Uuids(ids, outOfSync, flags);
            }
            case STATE -> new State(in.enumValue(Role.values(), "role"), in.enumValue(DiskState.values(), "disk"),
                    in.enumValue(ReplicationState.values(), "replication"), in.nonNegative("epoch"));
            case BITMAP_CHUNK -> new BitmapChunk(in.nonNegative("firstWord"),
                    in.words("words", WireFormat.MAX_BITMAP_WORDS));
            case BITMAP_DONE -> new BitmapDone();
            case SYNC_START -> new SyncStart(in.bool("senderIsSource"), in.bool("fullSync"));
            case DATA -> {
                long sequence = in.int64("sequence");
                long offset = in.offset("offset");
                int flags = in.u8("flags");
                if ((flags & ~DATA_FLAG_FUA) != 0) {
                    throw new MalformedPayloadException("field 'flags' has unknown bits 0x" + Integer.toHexString(flags));
                }
                ByteBuf data = in.data("data");
                yield owning(data, () -> new Data(sequence, offset, (flags & DATA_FLAG_FUA) != 0, data));
            }
            case DISCARD -> new Discard(in.int64("sequence"), in.offset("offset"), in.discardLength("length"));
            case FLUSH -> new Flush(in.int64("sequence"));
            case FLUSH_ACK -> new FlushAck(in.int64("sequence"));
            case RECV_ACK -> new RecvAck(in.int64("sequence"));
            case WRITE_ACK -> new WriteAck(in.int64("sequence"));
            case NEG_ACK -> new NegAck(in.int64("sequence"), in.string("reason"));
            case READ_REQUEST -> new ReadRequest(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", in.maxDataBytes()));
            case READ_REPLY -> {
                long id = in.int64("id");
                ByteBuf data = in.data("data");
                yield owning(data, () -> new ReadReply(id, data));
            }
            case NEG_READ_REPLY -> new NegReadReply(in.int64("id"), in.string("reason"));
            case RESYNC_REQUEST -> new ResyncRequest(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", in.maxDataBytes()));
            case CSUM_RESYNC_REQUEST -> new CsumResyncRequest(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", in.maxDataBytes()), in.shortBytes("digest", 1, WireFormat.MAX_DIGEST_BYTES));
            case RESYNC_DATA -> {
                long id = in.int64("id");
                long offset = in.offset("offset");
                ByteBuf data = in.data("data");
                yield owning(data, () -> new ResyncData(id, offset, data));
            }
            case RESYNC_IN_SYNC -> new ResyncInSync(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", in.maxDataBytes()));
            case RESYNC_NEG_REPLY -> new ResyncNegReply(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", in.maxDataBytes()), in.string("reason"));
            case RESYNC_FINISHED -> new ResyncFinished(readIds(in));
            // a verify chunk carries no data back, so its length is not bound by maxDataBytes
            case VERIFY_REQUEST -> new VerifyRequest(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", Integer.MAX_VALUE), in.shortBytes("digest", 1, WireFormat.MAX_DIGEST_BYTES));
            case VERIFY_REPLY -> new VerifyReply(in.int64("id"), in.offset("offset"),
                    in.ioLength("length", Integer.MAX_VALUE), in.bool("inSync"));
            case VERIFY_DONE -> new VerifyDone(in.nonNegative("outOfSyncBlocks"));
            case PING -> new Ping();
            case PING_ACK -> new PingAck();
            // the payload length is checked against the limit before its array is allocated
            case PEER_MESSAGE -> new PeerMessage(in.int64("id"), in.string("channel"),
                    in.longBytes("payload", WireFormat.MAX_PEER_MESSAGE_BYTES));
            case PEER_MESSAGE_REPLY -> new PeerMessageReply(in.int64("id"), in.bool("ok"), in.string("reason"));
        };
    }

    /** Builds a data packet; if the record refuses its fields, the data reference is released. */
    private static Packet owning(ByteBuf data, Supplier<Packet> factory) {
        try {
            return factory.get();
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
    }

    private static void writeString(ByteBuf out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeShortBytes(ByteBuf out, byte[] bytes) {
        out.writeByte(bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeRange(ByteBuf out, long id, long offset, int length) {
        out.writeLong(id);
        out.writeLong(offset);
        out.writeInt(length);
    }

    private static void writeIds(ByteBuf out, GenerationIds ids) {
        out.writeLong(ids.current());
        out.writeLong(ids.bitmap());
        out.writeLong(ids.history1());
        out.writeLong(ids.history2());
    }

    private static GenerationIds readIds(PayloadReader in) throws MalformedPayloadException {
        return new GenerationIds(in.int64("current"), in.int64("bitmap"), in.int64("history1"), in.int64("history2"));
    }
}
