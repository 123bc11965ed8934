package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadDefectDataTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] readDefectData10(int flags, int allocationLength) {
        return cdb(0x37, 0, flags, 0, 0, 0, 0, allocationLength >>> 8, allocationLength, 0);
    }

    private static byte[] readDefectData12(int flags, long index, long allocationLength) {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xB7;
        cdb[1] = (byte) flags;
        Cdb.putInt(cdb, 2, index);
        Cdb.putInt(cdb, 6, allocationLength);
        return cdb;
    }

    @Test
    void tenByteReturnsAnEmptyListWithTheRequestedListsAndFormat() {
        assertThat(run(port, readDefectData10(0, 32)).isGood().data).containsExactly(0, 0, 0, 0);
        // REQ_PLIST, REQ_GLIST, physical sector format (101b)
        assertThat(run(port, readDefectData10(0x1D, 32)).isGood().data).containsExactly(0, 0x1D, 0, 0);
        assertThat(run(port, readDefectData10(0x08 | 0x04, 32)).isGood().data).containsExactly(0, 0x0C, 0, 0);
    }

    @Test
    void twelveByteHasAnEightByteHeaderWhateverTheIndex() {
        assertThat(run(port, readDefectData12(0x13, 0, 32)).isGood().data).containsExactly(0, 0x13, 0, 0, 0, 0, 0, 0);
        assertThat(run(port, readDefectData12(0x10, 0xFFFF_FFFFL, 8)).isGood().data)
                .containsExactly(0, 0x10, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void allocationLengthCutsTheHeader() {
        assertThat(run(port, readDefectData10(0x18, 2)).isGood().data).containsExactly(0, 0x18);
        assertThat(run(port, readDefectData10(0x18, 0)).isGood().data).isNull();
        assertThat(run(port, readDefectData12(0x18, 0, 5)).isGood().data).hasSize(5);
    }

    @Test
    void reservedBitsAreInvalidFieldInCdb() {
        run(port, readDefectData10(0x20, 32)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, 5);
        byte[] reserved10 = readDefectData10(0, 32);
        reserved10[1] = 0x01;
        run(port, reserved10).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 0);
        run(port, readDefectData12(0x80, 0, 32)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 7);
        byte[] reserved12 = readDefectData12(0, 0, 32);
        reserved12[10] = 0x01;
        run(port, reserved12).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 10, 0);
    }

    @Test
    void unmappedLunIsLogicalUnitNotSupported() {
        run(port, 5, readDefectData10(0, 32), null).hasSense(0x05, 0x25, 0x00);
    }
}
