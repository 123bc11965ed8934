package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CapacityAndLunsTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] readCapacity16(int allocationLength) {
        return cdb(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, allocationLength, 0, 0);
    }

    private static byte[] reportLuns(int select, int allocationLength) {
        return cdb(0xA0, 0, select, 0, 0, 0, allocationLength >>> 24, allocationLength >>> 16, allocationLength >>> 8,
                allocationLength, 0, 0);
    }

    @Test
    void readCapacity10ReportsLastLbaAndBlockLength() {
        byte[] data = run(port, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood().data;
        assertThat(Cdb.u32(data, 0)).isEqualTo(BLOCKS - 1);
        assertThat(Cdb.u32(data, 4)).isEqualTo(BLOCK);
        run(port, cdb(0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, -1);
        run(port, cdb(0x25, 0, 0, 0, 0, 1, 0, 0, 1, 0)).isGood();
    }

    @Test
    void readCapacity10SaturatesWhenTheCapacityDoesNotFit() {
        LogicalUnit huge = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new HugeDevice(), false);
        kit.target.addLun(1, huge);
        run(port, 1, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), null).hasSense(0x06, 0x3F, 0x0E);
        byte[] data = run(port, 1, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), null).isGood().data;
        assertThat(Cdb.u32(data, 0)).isEqualTo(0xFFFF_FFFFL);
        byte[] data16 = run(port, 1, readCapacity16(32), null).isGood().data;
        assertThat(Cdb.u64(data16, 0)).isEqualTo(HugeDevice.SIZE / 4096 - 1);
        assertThat(data16[13]).isZero();
    }

    @Test
    void readCapacity16ReportsExponentAndNoProvisioningAndTruncates() {
        byte[] data = run(port, readCapacity16(32)).isGood().data;
        assertThat(data).hasSize(32);
        assertThat(Cdb.u64(data, 0)).isEqualTo(BLOCKS - 1);
        assertThat(Cdb.u32(data, 8)).isEqualTo(BLOCK);
        assertThat(data[12]).isZero();
        assertThat(data[13]).as("no physical block exponent: the granularity is in VPD B0h").isZero();
        assertThat(data[14] & 0xC0).as("LBPME, LBPRZ").isZero();
        assertThat(run(port, readCapacity16(12)).isGood().data).hasSize(12);
    }

    @Test
    void unknownServiceActionOfAKnownFamilyIsInvalidFieldAtByteOne() {
        run(port, cdb(0x9E, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0))
                .hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 4);
    }

    @Test
    void reportLunsAlwaysListsLunZeroAndUsesFlatAddressingAbove255() {
        ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        target.addLun(5, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false));
        target.addLun(300, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false));
        ScsiNexusPort p = target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:b"), Map.of());
        byte[] data = run(p, reportLuns(0, 1024)).isGood().data;
        assertThat(Cdb.u32(data, 0)).isEqualTo(24);
        assertThat(data).hasSize(32);
        assertThat(new int[] {data[8], data[9], data[16], data[17], data[24] & 0xFF, data[25] & 0xFF})
                .containsExactly(0, 0, 0, 5, 0x41, 300 & 0xFF);
        assertThat(run(p, reportLuns(2, 1024)).isGood().data).isEqualTo(data);
        byte[] wellKnown = run(p, reportLuns(1, 1024)).isGood().data;
        assertThat(Cdb.u32(wellKnown, 0)).isZero();
        run(p, reportLuns(3, 1024)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, -1);
        assertThat(run(p, reportLuns(0, 16)).isGood().data).hasSize(16);
        assertThat(run(p, 0, cdb(0x12, 0, 0, 0, 96, 0), null).isGood().data[0]).isEqualTo((byte) 0x7F);
        run(p, 0, cdb(0, 0, 0, 0, 0, 0), null).hasSense(0x05, 0x25, 0x00);
    }

    @Test
    void lunMappingTranslatesAndHidesUnits() {
        LogicalUnit second = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false);
        kit.target.addLun(1, second);
        ScsiNexusPort mapped = kit.target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:mapped"), Map.of(0, 1));
        assertThat(mapped.hasLun(0)).isTrue();
        assertThat(mapped.hasLun(1)).isFalse();
        byte[] data = run(mapped, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood().data;
        assertThat(Cdb.u32(data, 0)).isEqualTo(7);
        byte[] luns = run(mapped, reportLuns(0, 1024)).isGood().data;
        assertThat(Cdb.u32(luns, 0)).isEqualTo(8);
    }

    @Test
    void addLunRefusesTakenLunsAndOutOfRangeNumbers() {
        LogicalUnit other = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false);
        assertThatThrownBy(() -> kit.target.addLun(0, other)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kit.target.addLun(16384, other)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kit.target.addLun(2, kit.unit)).isInstanceOf(IllegalArgumentException.class);
        assertThat(kit.target.removeLun(0)).contains(kit.unit);
        assertThat(kit.target.removeLun(0)).isEmpty();
        assertThat(kit.target.luns()).isEmpty();
        assertThat(kit.device.closed).as("removeLun does not close").isFalse();
        kit.unit.close();
        assertThat(kit.device.closed).isTrue();
    }

    /** 16 TiB of 4 KiB blocks, never read: only its size is asked. */
    private static final class HugeDevice implements io.appliance.iscsi.block.BlockDevice {
        static final long SIZE = 1L << 44;

        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public int blockSize() {
            return 4096;
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> read(long offset, java.nio.ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> write(long offset, java.nio.ByteBuffer src, boolean fua) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> flush() {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> discard(long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean discardZeroes() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
