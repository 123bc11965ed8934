package io.appliance.replication.meta;

import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.MetadataFlags;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The superblock slot format (4096 bytes, big-endian): magic "APLRMD01", u32 version, u32 crc32c
 * (over the slot with this field zero), u64 sequence, u64 device uuid, u64 current, u64 bitmap,
 * u64 history1, u64 history2, u32 flags, u32 alExtents, u64 dataBytes, u64 lastAgreedBytes,
 * u64 epoch, u64 peer epoch, zeros.
 */
final class SuperblockCodec {

    static final byte[] MAGIC = "APLRMD01".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int VERSION_OFFSET = 8;
    static final int CRC_OFFSET = 12;
    static final int SEQUENCE_OFFSET = 16;

    /** What one slot holds. */
    sealed interface SlotContent {
        record Valid(Superblock superblock) implements SlotContent {}
        record NoMagic() implements SlotContent {}
        record Invalid(String why) implements SlotContent {}
    }

    private SuperblockCodec() {
    }

    static ByteBuffer encode(Superblock superblock) {
        ByteBuffer slot = ByteBuffer.allocate(MetadataLayout.SUPERBLOCK_SLOT_BYTES);
        GenerationIds ids = superblock.ids();
        slot.put(MAGIC)
            .putInt(FORMAT_VERSION)
            .putInt(0)
            .putLong(superblock.sequence())
            .putLong(superblock.deviceUuid())
            .putLong(ids.current())
            .putLong(ids.bitmap())
            .putLong(ids.history1())
            .putLong(ids.history2())
            .putInt(superblock.flags().toBits())
            .putInt(superblock.alExtents())
            .putLong(superblock.dataBytes())
            .putLong(superblock.lastAgreedBytes())
            .putLong(superblock.epoch())
            .putLong(superblock.peerEpoch());
        slot.putInt(CRC_OFFSET, crc(slot));
        slot.clear();
        return slot;
    }

    /** Decodes a slot of {@link MetadataLayout#SUPERBLOCK_SLOT_BYTES} bytes starting at the buffer's position. */
    static SlotContent decode(ByteBuffer source) {
        ByteBuffer slot = source.slice(source.position(), MetadataLayout.SUPERBLOCK_SLOT_BYTES);
        for (int i = 0; i < MAGIC.length; i++) {
            if (slot.get(i) != MAGIC[i]) {
                return new SlotContent.NoMagic();
            }
        }
        int version = slot.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            return new SlotContent.Invalid("unsupported format version " + Integer.toUnsignedString(version));
        }
        int stored = slot.getInt(CRC_OFFSET);
        int computed = crc(slot);
        if (stored != computed) {
            return new SlotContent.Invalid(String.format("checksum mismatch (stored %08x, computed %08x)", stored,
                computed));
        }
        slot.position(SEQUENCE_OFFSET);
        long sequence = slot.getLong();
        long deviceUuid = slot.getLong();
        GenerationIds ids = new GenerationIds(slot.getLong(), slot.getLong(), slot.getLong(), slot.getLong());
        int flagBits = slot.getInt();
        int alExtents = slot.getInt();
        long dataBytes = slot.getLong();
        long lastAgreedBytes = slot.getLong();
        long epoch = slot.getLong();
        long peerEpoch = slot.getLong();
        if (alExtents < MetadataLayout.MIN_AL_EXTENTS || alExtents > MetadataLayout.MAX_AL_EXTENTS) {
            return new SlotContent.Invalid("activity-log extents " + alExtents + " out of range");
        }
        if (dataBytes <= 0 || dataBytes % MetadataLayout.BLOCK_BYTES != 0 || lastAgreedBytes < 0) {
            return new SlotContent.Invalid("impossible sizes: data " + dataBytes + ", last agreed " + lastAgreedBytes);
        }
        MetadataFlags flags;
        try {
            flags = MetadataFlags.fromBits(flagBits);
        } catch (IllegalArgumentException e) {
            return new SlotContent.Invalid("flags " + Integer.toHexString(flagBits) + ": " + e.getMessage());
        }
        return new SlotContent.Valid(new Superblock(sequence, deviceUuid, ids, flags, alExtents, dataBytes,
            lastAgreedBytes, epoch, peerEpoch));
    }

    /** CRC32C of the whole slot with the crc field taken as zero. */
    private static int crc(ByteBuffer slot) {
        CRC32C crc = new CRC32C();
        crc.update(slot.duplicate().position(0).limit(CRC_OFFSET));
        crc.update(new byte[4]);
        crc.update(slot.duplicate().position(CRC_OFFSET + 4).limit(MetadataLayout.SUPERBLOCK_SLOT_BYTES));
        return (int) crc.getValue();
    }
}
