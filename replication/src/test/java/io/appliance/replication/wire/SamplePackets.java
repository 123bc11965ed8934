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
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/** One or more packets of every command, with fresh data buffers on every call. */
final class SamplePackets {

    static final int MAX_DATA_BYTES = 64 * 1024;

    private SamplePackets() {
    }

    static List<Packet> all(ByteBufAllocator alloc) {
        GenerationIds ids = new GenerationIds(0x1234_5678_9abc_def0L, 0x42L, -2L, 0);
        long[] words = new long[WireFormat.MAX_BITMAP_WORDS];
        for (int i = 0; i < words.length; i++) {
            words[i] = i * 0x9E37_79B9_7F4A_7C15L;
        }
        return List.of(
                new Hello(1, 3, "r0", "nœud-1", 7),
                new AuthChallenge(bytes(32, 1)),
                new AuthResponse(bytes(20, 2)),
                new Refused(RefusalReason.STALE_EPOCH, "peer epoch 3 < 5"),
                new Params(ReplicationProtocol.B, AfterSb0Pri.DISCARD_NODE, AfterSb1Pri.CALL_PRI_LOST_AFTER_SB,
                        AfterSb2Pri.VIOLENTLY_AS0P, "sha1", "", true),
                new Sizes(1L << 40, (1L << 40) - 4096, 4096),
                new Uuids(ids, 12345, Uuids.CRASHED_PRIMARY | Uuids.DISCARD_MY_DATA),
                new State(Role.PRIMARY, DiskState.UP_TO_DATE, ReplicationState.VERIFY_T, Long.MAX_VALUE),
                new BitmapChunk(99, words),
                new BitmapChunk(0, new long[] {-1L}),
                new BitmapDone(),
                new SyncStart(true, false),
                new SyncStart(false, true),
                new Data(-1L, 8192, true, data(alloc, 4096, 3)),
                new Data(1, 0, false, data(alloc, MAX_DATA_BYTES, 4)),
                new Discard(2, 512, 1L << 33),
                new Flush(3),
                new FlushAck(3),
                new RecvAck(Long.MIN_VALUE),
                new WriteAck(4),
                new NegAck(5, "EIO: disk failure"),
                new ReadRequest(6, 1L << 30, 65536),
                new ReadReply(6, data(alloc, 512, 5)),
                new NegReadReply(6, "Diskless"),
                new ResyncRequest(7, 4096, 131072 / 2),
                new CsumResyncRequest(8, 4096, 4096, bytes(4, 6)),
                new ResyncData(7, 4096, data(alloc, 4096 * 3, 7)),
                new ResyncInSync(8, 4096, 4096),
                new ResyncNegReply(9, 0, 4096, "read error"),
                new ResyncFinished(GenerationIds.justCreated()),
                new VerifyRequest(10, 1L << 20, 262144, bytes(32, 8)),
                new VerifyReply(10, 1L << 20, 262144, true),
                new VerifyDone(0),
                new Ping(),
                new PingAck(),
                new PeerMessage(11, "pr/lun:0_iqn.2024-01.io.appliance-x", bytes(3000, 9)),
                new PeerMessage(-1L, "c", new byte[0]),
                PeerMessageReply.accepted(11),
                PeerMessageReply.failed(12, "no handler for channel pr/lun:7"));
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    static ByteBuf data(ByteBufAllocator alloc, int length, int seed) {
        return alloc.buffer(length).writeBytes(bytes(length, seed));
    }
}
