package io.appliance.replication.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A superblock slot that holds no superblock but says where the live metadata area still is: the
 * first thing an internal-metadata grow writes into the superblock slots at the new end of the
 * backing device (see {@link MetadataStore#grow}). Format (4096 bytes, big-endian): magic
 * "APLRMV01", u32 version 1, u32 crc32c (over the slot with this field as 0), u64 backing bytes of
 * the live (old) layout, u64 data bytes of the layout the slot lies in, rest zero.
 *
 * @param liveBackingBytes backing size whose internal layout holds the live metadata
 * @param hostDataBytes    data size of the layout whose superblock slot holds this locator
 */
record MetadataLocator(long liveBackingBytes, long hostDataBytes) {

    static final byte[] MAGIC = "APLRMV01".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int CRC_OFFSET = 12;

    ByteBuffer encode() {
        ByteBuffer slot = ByteBuffer.allocate(MetadataLayout.SUPERBLOCK_SLOT_BYTES);
        slot.put(MAGIC).putInt(VERSION).putInt(0).putLong(liveBackingBytes).putLong(hostDataBytes);
        slot.putInt(CRC_OFFSET, crc(slot));
        slot.clear();
        return slot;
    }

    /** The locator in the slot at {@code source}'s position, when it carries a valid one. */
    static Optional<MetadataLocator> decode(ByteBuffer source) {
        ByteBuffer slot = source.slice(source.position(), MetadataLayout.SUPERBLOCK_SLOT_BYTES);
        for (int i = 0; i < MAGIC.length; i++) {
            if (slot.get(i) != MAGIC[i]) {
                return Optional.empty();
            }
        }
        if (slot.getInt(MAGIC.length) != VERSION || slot.getInt(CRC_OFFSET) != crc(slot)) {
            return Optional.empty();
        }
        return Optional.of(new MetadataLocator(slot.getLong(16), slot.getLong(24)));
    }

    private static int crc(ByteBuffer slot) {
        CRC32C crc = new CRC32C();
        crc.update(slot.duplicate().position(0).limit(CRC_OFFSET));
        crc.update(new byte[4]);
        crc.update(slot.duplicate().position(CRC_OFFSET + 4).limit(MetadataLayout.SUPERBLOCK_SLOT_BYTES));
        return (int) crc.getValue();
    }
}
