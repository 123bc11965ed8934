package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.sixteen;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.block.AllocationMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ThinProvisioningTest {

    private final ThinDevice device = new ThinDevice();
    private final ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 7);
    private final ScsiNexusPort port;

    ThinProvisioningTest() {
        target.addLun(0, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), device, false));
        port = target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:thin"), Map.of());
        run(port, cdb(0x00, 0, 0, 0, 0, 0)); // consume the power-on unit attention
    }

    private static byte[] unmapCdb(int parameterListLength) {
        return cdb(0x42, 0, 0, 0, 0, 0, 0, parameterListLength >>> 8, parameterListLength, 0);
    }

    private static byte[] unmapList(long[]... ranges) {
        byte[] list = new byte[8 + 16 * ranges.length];
        Cdb.putShort(list, 0, list.length - 2);
        Cdb.putShort(list, 2, 16 * ranges.length);
        for (int i = 0; i < ranges.length; i++) {
            Cdb.putLong(list, 8 + 16 * i, ranges[i][0]);
            Cdb.putInt(list, 8 + 16 * i + 8, ranges[i][1]);
        }
        return list;
    }

    private static byte[] writeSame10(int flags, long lba, int blocks) {
        return cdb(0x41, flags, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8), (int) lba, 0,
                blocks >>> 8, blocks, 0);
    }

    private static byte[] getLbaStatus(long lba, int allocationLength) {
        byte[] cdb = sixteen(0x9E, 0x12, lba, allocationLength);
        return cdb;
    }

    private void fill(long lba, int blocks, int seed) {
        run(port, ScsiTestKit.write10(lba, blocks), pattern(blocks * BLOCK, seed)).isGood();
    }

    @Test
    void unmapDeallocatesEveryDescriptorAndReadsZeros() {
        fill(0, 64, 7);

        run(port, unmapCdb(40), unmapList(new long[] {8, 8}, new long[] {32, 16})).isGood();

        assertThat(device.discards).containsExactly("4096+4096", "16384+8192");
        assertThat(Arrays.copyOfRange(device.contents(), 8 * BLOCK, 16 * BLOCK)).containsOnly((byte) 0);
        assertThat(Arrays.copyOfRange(device.contents(), 16 * BLOCK, 32 * BLOCK))
                .isEqualTo(Arrays.copyOfRange(pattern(64 * BLOCK, 7), 16 * BLOCK, 32 * BLOCK));
    }

    @Test
    void unmapChecksEveryDescriptorBeforeDeallocatingAny() {
        run(port, unmapCdb(40), unmapList(new long[] {0, 8}, new long[] {BLOCKS - 4, 8}))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x21, 0x00);
        assertThat(device.discards).isEmpty();
    }

    @Test
    void unmapRefusesMoreDescriptorsThanTheLimit() {
        long[][] ranges = new long[ThinProvisioning.MAX_UNMAP_DESCRIPTORS + 1][];
        for (int i = 0; i < ranges.length; i++) {
            ranges[i] = new long[] {i, 1};
        }
        byte[] list = unmapList(ranges);
        run(port, unmapCdb(list.length), list).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00);
        assertThat(device.discards).isEmpty();
    }

    @Test
    void unmapWithEmptyOrShortListOrAnchor() {
        run(port, unmapCdb(0)).isGood();
        run(port, unmapCdb(6), new byte[6]).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        byte[] anchor = unmapCdb(24);
        anchor[1] = 0x01;
        run(port, anchor, unmapList(new long[] {0, 1})).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
        run(port, unmapCdb(24), unmapList(new long[] {0, 0})).isGood();
        assertThat(device.discards).isEmpty();
    }

    @Test
    void writeSameReplicatesTheBlockOverTheRange() {
        byte[] block = pattern(BLOCK, 3);

        run(port, writeSame10(0, 100, 300), block).isGood();

        for (int i = 0; i < 300; i++) {
            int at = (100 + i) * BLOCK;
            assertThat(Arrays.copyOfRange(device.contents(), at, at + BLOCK)).as("block %d", 100 + i).isEqualTo(block);
        }
        assertThat(device.contents()[99 * BLOCK + 7]).isZero();
        assertThat(device.contents()[400 * BLOCK]).isZero();
        assertThat(device.discards).isEmpty();
    }

    @Test
    void writeSame16LongerThanOneChunkIsWrittenInBoundedPieces() {
        byte[] block = pattern(BLOCK, 11);
        int blocks = 2 * ThinProvisioning.WRITE_SAME_CHUNK_BYTES / BLOCK + 5;
        ThinDevice large = new ThinDevice(blocks + 16L);
        target.addLun(1, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), large, false));

        run(port, 1, cdb(0x00, 0, 0, 0, 0, 0), null); // the REPORTED LUNS DATA HAS CHANGED attention
        run(port, 1, sixteen(0x93, 0, 3, blocks), io.netty.buffer.Unpooled.wrappedBuffer(block)).isGood();

        assertThat(large.largestWrite).isLessThanOrEqualTo(ThinProvisioning.WRITE_SAME_CHUNK_BYTES);
        assertThat(large.writes).isEqualTo(3);
        int last = (3 + blocks - 1) * BLOCK;
        assertThat(Arrays.copyOfRange(large.contents(), last, last + BLOCK)).isEqualTo(block);
        assertThat(large.contents()[(3 + blocks) * BLOCK]).isZero();
    }

    @Test
    void writeSameWithUnmapAndZerosDeallocates() {
        fill(0, 32, 5);

        run(port, writeSame10(0x08, 4, 8), new byte[BLOCK]).isGood();
        run(port, sixteen(0x93, 0x09, 16, 8)).isGood(); // UNMAP + NDOB

        assertThat(device.discards).containsExactly("2048+4096", "8192+4096");
        assertThat(Arrays.copyOfRange(device.contents(), 4 * BLOCK, 12 * BLOCK)).containsOnly((byte) 0);
    }

    @Test
    void writeSameWithUnmapAndNonZeroDataWrites() {
        byte[] block = pattern(BLOCK, 9);

        run(port, writeSame10(0x08, 4, 2), block).isGood();

        assertThat(device.discards).isEmpty();
        assertThat(Arrays.copyOfRange(device.contents(), 5 * BLOCK, 6 * BLOCK)).isEqualTo(block);
    }

    @Test
    void writeSameSenseCases() {
        run(port, writeSame10(0, 0, 0), new byte[BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00)
                .hasFieldPointer(true, 7, -1);
        run(port, writeSame10(0, BLOCKS - 1, 2), new byte[BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x21, 0x00);
        run(port, writeSame10(0x10, 0, 1), new byte[BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
        run(port, writeSame10(0, 0, 1), new byte[BLOCK / 2]).hasSense(SenseException.ILLEGAL_REQUEST, 0x0E, 0x03);
        run(port, writeSame10(0, 0, 1), new byte[2 * BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x0E, 0x03);
        run(port, sixteen(0x93, 0x01, 0, 1), new byte[BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x0E, 0x03);
        run(port, sixteen(0x93, 0, 0, ThinProvisioning.MAX_WRITE_SAME_BLOCKS + 1), new byte[BLOCK])
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00).hasFieldPointer(true, 10, -1);
        run(port, writeSame10(0x01, 0, 1), new byte[BLOCK]).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
    }

    @Test
    void getLbaStatusReportsMappedAndDeallocatedRuns() {
        device.deallocated.set(0, (int) BLOCKS);
        fill(16, 16, 1);
        fill(100, 4, 1);

        byte[] data = run(port, getLbaStatus(8, 1024)).isGood().data;

        assertThat(Cdb.u32(data, 0)).isEqualTo(4 + 5 * 16);
        List<String> runs = new ArrayList<>();
        for (int at = 8; at < data.length; at += 16) {
            runs.add(Cdb.u64(data, at) + "+" + Cdb.u32(data, at + 8) + ":" + (data[at + 12] & 0x0F));
        }
        assertThat(runs).containsExactly("8+8:1", "16+16:0", "32+68:1", "100+4:0", "104+" + (BLOCKS - 104) + ":1");
    }

    @Test
    void getLbaStatusStopsAtTheAllocationLengthAndChecksTheLba() {
        device.deallocated.set(0, 10);
        byte[] data = run(port, getLbaStatus(0, 24)).isGood().data;
        assertThat(data).hasSize(24);
        assertThat(Cdb.u32(data, 0)).isEqualTo(20);
        assertThat(Cdb.u32(data, 16)).isEqualTo(10);
        assertThat(data[20]).isEqualTo((byte) 1);

        run(port, getLbaStatus(BLOCKS, 24)).hasSense(SenseException.ILLEGAL_REQUEST, 0x21, 0x00);
        assertThat(run(port, getLbaStatus(0, 0)).isGood().data).isNull();
    }

    @Test
    void capacityAndVpdPagesAdvertiseThinProvisioning() {
        byte[] capacity = run(port, sixteen(0x9E, 0x10, 0, 32)).isGood().data;
        assertThat(capacity[14] & 0xC0).as("LBPME, LBPRZ").isEqualTo(0xC0);

        byte[] limits = run(port, cdb(0x12, 1, 0xB0, 0, 64, 0)).isGood().data;
        assertThat(Cdb.u32(limits, 20)).isEqualTo(ThinProvisioning.MAX_UNMAP_BLOCKS);
        assertThat(Cdb.u32(limits, 24)).isEqualTo(ThinProvisioning.MAX_UNMAP_DESCRIPTORS);
        assertThat(Cdb.u32(limits, 28)).isEqualTo(8);
        assertThat(limits[4] & 0x01).as("WSNZ").isEqualTo(1);
        assertThat(Cdb.u64(limits, 36)).isEqualTo(ThinProvisioning.MAX_WRITE_SAME_BLOCKS);

        byte[] provisioning = run(port, cdb(0x12, 1, 0xB2, 0, 8, 0)).isGood().data;
        assertThat(provisioning[5] & 0xFF).as("LBPU LBPWS LBPWS10 LBPRZ").isEqualTo(0xE4);
        assertThat(provisioning[6] & 0x07).as("thin").isEqualTo(2);
    }

    @Test
    void fullyProvisionedUnitAdvertisesNothingAndUnmapsNothing() {
        ScsiTestKit kit = new ScsiTestKit();
        ScsiNexusPort plain = kit.open("iqn.1994-05.com.example:plain");
        run(plain, cdb(0x00, 0, 0, 0, 0, 0));

        assertThat(run(plain, sixteen(0x9E, 0x10, 0, 32)).isGood().data[14]).isZero();
        assertThat(run(plain, cdb(0x12, 1, 0xB2, 0, 8, 0)).isGood().data[5]).isZero();
        assertThat(Cdb.u32(run(plain, cdb(0x12, 1, 0xB0, 0, 64, 0)).isGood().data, 20)).isZero();
        run(plain, unmapCdb(24), unmapList(new long[] {0, 8})).isGood();
        byte[] status = run(plain, getLbaStatus(0, 24)).isGood().data;
        assertThat(Cdb.u32(status, 16)).isEqualTo(BLOCKS);
        assertThat(status[20]).as("mapped").isZero();
    }

    /** A memory device that discards (zeroing) and keeps a deallocation map, as a punched file does. */
    static final class ThinDevice extends MemoryBlockDevice implements AllocationMap {
        final List<String> discards = new ArrayList<>();
        final BitSet deallocated = new BitSet();
        volatile int largestWrite;
        volatile int writes;

        ThinDevice() {
            this(BLOCKS);
        }

        ThinDevice(long blocks) {
            super(blocks, BLOCK);
        }

        @Override
        public CompletableFuture<Void> write(long offset, ByteBuffer src, boolean forceUnitAccess) {
            int length = src.remaining();
            largestWrite = Math.max(largestWrite, length);
            writes++;
            deallocated.clear((int) (offset / BLOCK), (int) ((offset + length) / BLOCK));
            return super.write(offset, src, forceUnitAccess);
        }

        @Override
        public CompletableFuture<Void> discard(long offset, long length) {
            discards.add(offset + "+" + length);
            Arrays.fill(contents(), (int) offset, (int) (offset + length), (byte) 0);
            deallocated.set((int) (offset / BLOCK), (int) ((offset + length) / BLOCK));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean discardZeroes() {
            return true;
        }

        @Override
        public CompletableFuture<Extent> extentAt(long offset, long maxLength) {
            int first = (int) (offset / BLOCK);
            boolean hole = deallocated.get(first);
            int end = hole ? deallocated.nextClearBit(first) : deallocated.nextSetBit(first);
            long limit = first + maxLength / BLOCK;
            long stop = end < 0 ? limit : Math.min(end, limit);
            return CompletableFuture.completedFuture(new Extent(offset, (stop - first) * BLOCK, !hole));
        }
    }
}
