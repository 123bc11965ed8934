package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.sixteen;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReadWriteTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    @Test
    void write10ThenRead10RoundTrips() {
        byte[] data = pattern(3 * BLOCK, 7);
        ScsiTestKit.Answer write = run(port, write10(100, 3), data).isGood();
        assertThat(write.transferLength).isEqualTo(3L * BLOCK);
        assertThat(run(port, read10(100, 3)).isGood().data).isEqualTo(data);
        assertThat(Arrays.copyOfRange(kit.device.contents(), 100 * BLOCK, 103 * BLOCK)).isEqualTo(data);
    }

    @Test
    void read6And12And16ParseTheirLayouts() {
        byte[] data = pattern(2 * BLOCK, 3);
        System.arraycopy(data, 0, kit.device.contents(), 0x1234 % (int) BLOCKS * BLOCK, data.length);
        int lba = 0x1234 % (int) BLOCKS;
        assertThat(run(port, cdb(0x08, lba >>> 16, lba >>> 8, lba, 2, 0)).isGood().data).isEqualTo(data);
        assertThat(run(port, cdb(0xA8, 0, 0, 0, lba >>> 8, lba, 0, 0, 0, 2, 0, 0)).isGood().data).isEqualTo(data);
        assertThat(run(port, sixteen(0x88, 0, lba, 2)).isGood().data).isEqualTo(data);
    }

    @Test
    void read6WithZeroLengthReads256Blocks() {
        assertThat(run(port, cdb(0x08, 0, 0, 0, 0, 0)).isGood().data).hasSize(256 * BLOCK);
    }

    @Test
    void read10WithZeroLengthReadsNothing() {
        ScsiTestKit.Answer answer = run(port, read10(5, 0)).isGood();
        assertThat(answer.data).isNull();
        assertThat(kit.device.reads.get()).isZero();
    }

    @Test
    void write6And12And16WriteWhereTheirCdbsSay() {
        byte[] one = pattern(BLOCK, 1);
        run(port, cdb(0x0A, 0, 0, 9, 1, 0), one).isGood();
        byte[] two = pattern(BLOCK, 2);
        run(port, cdb(0xAA, 0, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0), two).isGood();
        byte[] three = pattern(BLOCK, 3);
        run(port, sixteen(0x8A, 0, 11, 1), three).isGood();
        assertThat(run(port, read10(9, 3)).isGood().data)
                .isEqualTo(concat(one, two, three));
    }

    @Test
    void fuaWritesAreForcedAndPlainWritesAreNot() {
        run(port, write10(0, 1), pattern(BLOCK, 0)).isGood();
        assertThat(kit.device.forcedWrites.get()).isZero();
        byte[] fua = write10(0, 1);
        fua[1] = 0x08;
        run(port, fua, pattern(BLOCK, 0)).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
        byte[] dpo = write10(0, 1);
        dpo[1] = 0x10;
        run(port, dpo, pattern(BLOCK, 0)).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
    }

    @Test
    void readBeyondTheEndIsLbaOutOfRange() {
        run(port, read10(BLOCKS - 1, 2)).hasSense(0x05, 0x21, 0x00);
        run(port, read10(BLOCKS + 1, 0)).hasSense(0x05, 0x21, 0x00);
        run(port, read10(BLOCKS, 0)).isGood();
        run(port, sixteen(0x88, 0, -1L, 1)).hasSense(0x05, 0x21, 0x00);
        run(port, sixteen(0x88, 0, Long.MAX_VALUE, 1)).hasSense(0x05, 0x21, 0x00);
        run(port, write10(BLOCKS, 1), pattern(BLOCK, 0)).hasSense(0x05, 0x21, 0x00);
    }

    @Test
    void transferLongerThanTheBlockLimitIsInvalidFieldAtTheLengthField() {
        ScsiTestKit big = new ScsiTestKit();
        long tooMany = LogicalUnit.MAX_TRANSFER_BYTES / BLOCK + 1;
        big.device.resize(tooMany + 10);
        ScsiNexusPort p = big.open("iqn.1994-05.com.example:big");
        run(p, sixteen(0x88, 0, 0, tooMany)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 10, -1);
        run(p, cdb(0x28, 0, 0, 0, 0, 0, 0, (int) (tooMany >>> 8), (int) tooMany, 0))
                .hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 7, -1);
    }

    @Test
    void rdprotectAndReservedBitsAreInvalidFieldInCdb() {
        byte[] rdprotect = read10(0, 1);
        rdprotect[1] = 0x20;
        run(port, rdprotect).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 5);
        byte[] reservedGroupBit = read10(0, 1);
        reservedGroupBit[6] = (byte) 0x80;
        run(port, reservedGroupBit).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 6, 7);
        byte[] naca = read10(0, 1);
        naca[9] = 0x04;
        run(port, naca).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 9, 2);
        byte[] dpoFua = read10(0, 1);
        dpoFua[1] = 0x18;
        run(port, dpoFua).isGood();
    }

    @Test
    void shortDataOutWritesTheWholeBlocksReceivedAndReportsTheWantedLength() {
        byte[] before = pattern(2 * BLOCK, 0x61);
        run(port, write10(20, 2), before).isGood();
        byte[] one = pattern(BLOCK, 0x62);
        ScsiTestKit.Answer answer = run(port, write10(20, 2), one).isGood();
        assertThat(answer.transferLength).isEqualTo(2L * BLOCK);
        byte[] after = run(port, read10(20, 2)).isGood().data;
        assertThat(Arrays.copyOfRange(after, 0, BLOCK)).isEqualTo(one);
        assertThat(Arrays.copyOfRange(after, BLOCK, 2 * BLOCK)).isEqualTo(Arrays.copyOfRange(before, BLOCK, 2 * BLOCK));
    }

    @Test
    void noDataOutWritesNothingAndPartialBlockIsInvalidFieldInInformationUnit() {
        ScsiTestKit.Answer none = run(port, 0, write10(0, 1), null).isGood();
        assertThat(none.transferLength).isEqualTo(BLOCK);
        ScsiTestKit.Answer partial = run(port, write10(0, 1), new byte[200]).hasSense(0x05, 0x0E, 0x03);
        assertThat(partial.transferLength).isEqualTo(BLOCK);
    }

    @Test
    void moreDataOutThanWantedWritesOnlyTheCdbsBlocks() {
        byte[] data = pattern(2 * BLOCK, 9);
        run(port, write10(30, 1), data).isGood();
        assertThat(kit.device.contents()[31 * BLOCK]).isZero();
        assertThat(Arrays.copyOfRange(kit.device.contents(), 30 * BLOCK, 31 * BLOCK))
                .isEqualTo(Arrays.copyOf(data, BLOCK));
    }

    @Test
    void writeToReadOnlyUnitIsWriteProtected() {
        ScsiTestKit readOnly = new ScsiTestKit(true);
        ScsiNexusPort p = readOnly.open("iqn.1994-05.com.example:ro");
        run(p, write10(0, 1), new byte[BLOCK]).hasSense(0x07, 0x27, 0x00);
        run(p, sixteen(0x8E, 0, 0, 1), new byte[BLOCK]).hasSense(0x07, 0x27, 0x00);
        run(p, read10(0, 1)).isGood();
    }

    @Test
    void ioFailuresAreMediumErrorsWithTheLba() {
        kit.device.failReads(true);
        assertThat(run(port, read10(77, 1)).hasSense(0x03, 0x11, 0x00).information()).isEqualTo(77);
        kit.device.failWrites(true);
        assertThat(run(port, write10(78, 1), new byte[BLOCK]).hasSense(0x03, 0x0C, 0x00).information()).isEqualTo(78);
        kit.device.failReads(false);
        run(port, read10(77, 1)).isGood();
    }

    @Test
    void aDeviceThatCannotServeHereIsNotReadyStandbyNotAMediumError() {
        kit.device.notReady(true);
        run(port, read10(5, 1)).hasSense(0x02, 0x04, 0x0B);
        run(port, write10(5, 1), new byte[BLOCK]).hasSense(0x02, 0x04, 0x0B);
        kit.device.notReady(false);
        run(port, read10(5, 1)).isGood();
    }

    @Test
    void writeCacheDisabledMakesEveryWriteForced() {
        byte[] page = new byte[] {0, 0, 0, 0, 0x08, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        run(port, cdb(0x15, 0x10, 0, 0, page.length, 0), page).isGood();
        assertThat(kit.unit.modeParameters().writeCacheEnabled()).isFalse();
        run(port, write10(0, 1), new byte[BLOCK]).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
    }

    @Test
    void readOfUnmappedLunIsLogicalUnitNotSupported() {
        run(port, 3, read10(0, 1), null).hasSense(0x05, 0x25, 0x00);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
