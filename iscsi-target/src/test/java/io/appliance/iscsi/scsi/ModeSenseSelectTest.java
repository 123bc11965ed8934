package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModeSenseSelectTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] modeSense6(int dbd, int pc, int page, int subpage, int allocationLength) {
        return cdb(0x1A, dbd << 3, pc << 6 | page, subpage, allocationLength, 0);
    }

    private static byte[] modeSense10(int flags, int pc, int page, int allocationLength) {
        return cdb(0x5A, flags, pc << 6 | page, 0, 0, 0, 0, allocationLength >>> 8, allocationLength, 0);
    }

    private static byte[] cachingPage(boolean wce) {
        byte[] page = new byte[20];
        page[0] = 0x08;
        page[1] = 0x12;
        page[2] = (byte) (wce ? 0x04 : 0);
        return page;
    }

    private static byte[] select6List(byte[] descriptor, byte[]... pages) {
        int length = 4 + descriptor.length + Arrays.stream(pages).mapToInt(p -> p.length).sum();
        byte[] list = new byte[length];
        list[3] = (byte) descriptor.length;
        System.arraycopy(descriptor, 0, list, 4, descriptor.length);
        int offset = 4 + descriptor.length;
        for (byte[] page : pages) {
            System.arraycopy(page, 0, list, offset, page.length);
            offset += page.length;
        }
        return list;
    }

    @Test
    void allPagesWithShortBlockDescriptor() {
        byte[] data = run(port, modeSense6(0, 0, 0x3F, 0, 255)).isGood().data;
        assertThat(data[0] & 0xFF).isEqualTo(data.length - 1);
        assertThat(data[2] & 0xFF).as("device-specific: DPOFUA, not WP").isEqualTo(0x10);
        assertThat(data[3]).isEqualTo((byte) 8);
        assertThat(Cdb.u32(data, 4)).isEqualTo(BLOCKS);
        assertThat(Cdb.u24(data, 9)).isEqualTo(BLOCK);
        assertThat(new int[] {data[12], data[12 + 20], data[12 + 20 + 12]}).containsExactly(0x08, 0x0A, 0x1C);
        assertThat(data).hasSize(12 + 20 + 12 + 12);
        assertThat(data[14] & 0x04).as("WCE on by default").isEqualTo(0x04);
    }

    @Test
    void allocationLengthTruncatesWithoutError() {
        assertThat(run(port, modeSense6(0, 0, 0x3F, 0, 4)).isGood().data).hasSize(4);
    }

    @Test
    void dbdDropsTheBlockDescriptorAndSubpageFFIsAllPages() {
        byte[] data = run(port, modeSense6(1, 0, 0x3F, 0xFF, 255)).isGood().data;
        assertThat(data[3]).isZero();
        assertThat(data[4]).isEqualTo((byte) 0x08);
    }

    @Test
    void modeSense10WithLlbaaGivesTheLongDescriptor() {
        byte[] data = run(port, modeSense10(0x10, 0, 0x08, 1024)).isGood().data;
        assertThat(Cdb.u16(data, 0)).isEqualTo(data.length - 2);
        assertThat(data[4] & 0x01).as("LONGLBA").isEqualTo(1);
        assertThat(Cdb.u16(data, 6)).isEqualTo(16);
        assertThat(Cdb.u64(data, 8)).isEqualTo(BLOCKS);
        assertThat(Cdb.u32(data, 20)).isEqualTo(BLOCK);
        assertThat(data[24]).isEqualTo((byte) 0x08);
        assertThat(data).hasSize(8 + 16 + 20);
    }

    @Test
    void controlPageReportsFixedSenseAndSwpFollowsReadOnly() {
        byte[] page = Arrays.copyOfRange(run(port, modeSense6(1, 0, 0x0A, 0, 255)).isGood().data, 4, 16);
        assertThat(page[0]).isEqualTo((byte) 0x0A);
        assertThat(page[2] & 0x04).as("D_SENSE").isZero();
        assertThat(page[4] & 0x08).as("SWP").isZero();
        ScsiTestKit readOnly = new ScsiTestKit(true);
        byte[] data = run(readOnly.open("iqn.1994-05.com.example:ro"), modeSense6(1, 0, 0x0A, 0, 255)).isGood().data;
        assertThat(data[2] & 0x80).as("WP").isEqualTo(0x80);
        assertThat(data[4 + 4] & 0x08).as("SWP").isEqualTo(0x08);
    }

    @Test
    void changeableValuesShowOnlyWce() {
        byte[] data = run(port, modeSense6(1, 1, 0x3F, 0, 255)).isGood().data;
        byte[] caching = Arrays.copyOfRange(data, 4, 24);
        assertThat(caching[2]).isEqualTo((byte) 0x04);
        for (int i = 4 + 20 + 2; i < data.length; i++) {
            if (i != 4 + 20 + 12 && i != 4 + 20 + 13) {
                assertThat(data[i]).as("byte %d", i).isZero();
            }
        }
    }

    @Test
    void savedValuesAreNotSupported() {
        run(port, modeSense6(0, 3, 0x08, 0, 255)).hasSense(0x05, 0x39, 0x00);
    }

    @Test
    void unknownPageAndSubpageAreInvalidFieldInCdb() {
        run(port, modeSense6(0, 0, 0x19, 0, 255)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, 5);
        run(port, modeSense6(0, 0, 0x08, 1, 255)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 3, -1);
    }

    @Test
    void modeSelectRoundTripClearsAndSetsWce() {
        run(port, cdb(0x15, 0x10, 0, 0, 24, 0), select6List(new byte[0], cachingPage(false))).isGood();
        byte[] data = run(port, modeSense6(1, 0, 0x08, 0, 255)).isGood().data;
        assertThat(data[4 + 2] & 0x04).isZero();
        byte[] list10 = new byte[8 + 20];
        System.arraycopy(cachingPage(true), 0, list10, 8, 20);
        run(port, cdb(0x55, 0x10, 0, 0, 0, 0, 0, 0, list10.length, 0), list10).isGood();
        assertThat(kit.unit.modeParameters().writeCacheEnabled()).isTrue();
    }

    @Test
    void modeSelectAcceptsTheCurrentBlockDescriptorAndAnUnchangedControlPage() {
        byte[] current = run(port, modeSense6(0, 0, 0x0A, 0, 255)).isGood().data;
        current[0] = 0; // MODE DATA LENGTH is reserved in MODE SELECT
        run(port, cdb(0x15, 0x10, 0, 0, current.length, 0), current).isGood();
    }

    @Test
    void changingAnUnchangeableFieldIsInvalidFieldInParameterListWithItsPosition() {
        byte[] control = Arrays.copyOfRange(run(port, modeSense6(1, 0, 0x0A, 0, 255)).isGood().data, 4, 16);
        control[2] |= 0x04; // D_SENSE
        run(port, cdb(0x15, 0x10, 0, 0, 16, 0), select6List(new byte[0], control))
                .hasSense(0x05, 0x26, 0x00).hasFieldPointer(false, 4 + 2, 2);
        byte[] caching = cachingPage(true);
        caching[2] |= 0x01; // RCD
        run(port, cdb(0x15, 0x10, 0, 0, 24, 0), select6List(new byte[0], caching))
                .hasSense(0x05, 0x26, 0x00).hasFieldPointer(false, 6, 0);
        assertThat(kit.unit.modeParameters().writeCacheEnabled()).isTrue();
    }

    @Test
    void modeSelectRejectsUnknownPagesWrongLengthsAndForeignBlockSizes() {
        byte[] unknown = {0x19, 0x02, 0, 0};
        run(port, cdb(0x15, 0x10, 0, 0, 8, 0), select6List(new byte[0], unknown))
                .hasSense(0x05, 0x26, 0x00).hasFieldPointer(false, 4, 5);
        byte[] wrongLength = Arrays.copyOf(cachingPage(true), 20);
        wrongLength[1] = 0x10;
        run(port, cdb(0x15, 0x10, 0, 0, 24, 0), select6List(new byte[0], wrongLength))
                .hasSense(0x05, 0x26, 0x00).hasFieldPointer(false, 5, -1);
        byte[] descriptor = new byte[8];
        Cdb.putShort(descriptor, 6, 4096);
        run(port, cdb(0x15, 0x10, 0, 0, 12, 0), select6List(descriptor))
                .hasSense(0x05, 0x26, 0x00).hasFieldPointer(false, 9, -1);
    }

    @Test
    void truncatedParameterListIsParameterListLengthError() {
        byte[] list = select6List(new byte[0], cachingPage(false));
        run(port, cdb(0x15, 0x10, 0, 0, 14, 0), Arrays.copyOf(list, 14)).hasSense(0x05, 0x1A, 0x00);
        run(port, cdb(0x15, 0x10, 0, 0, 24, 0), Arrays.copyOf(list, 10)).hasSense(0x05, 0x1A, 0x00);
        assertThat(kit.unit.modeParameters().writeCacheEnabled()).isTrue();
    }

    @Test
    void savePagesAndVendorFormatAreInvalidFieldInCdb() {
        byte[] list = select6List(new byte[0], cachingPage(false));
        run(port, cdb(0x15, 0x11, 0, 0, 24, 0), list).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 0);
        run(port, cdb(0x15, 0x00, 0, 0, 24, 0), list).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 4);
    }
}
