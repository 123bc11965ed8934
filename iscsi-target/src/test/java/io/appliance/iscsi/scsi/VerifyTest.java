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

class VerifyTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] verify10(int bytchk, long lba, int blocks) {
        byte[] cdb = read10(lba, blocks);
        cdb[0] = 0x2F;
        cdb[1] = (byte) (bytchk << 1);
        return cdb;
    }

    @Test
    void bytchkZeroOnlyChecksTheRange() {
        run(port, verify10(0, 0, 8)).isGood();
        assertThat(kit.device.reads.get()).isZero();
        run(port, verify10(0, BLOCKS - 1, 2)).hasSense(0x05, 0x21, 0x00);
    }

    @Test
    void bytchkOneComparesAndReportsTheOffsetOfTheFirstDifference() {
        byte[] data = pattern(4 * BLOCK, 5);
        run(port, write10(40, 4), data).isGood();
        run(port, verify10(1, 40, 4), data).isGood();
        byte[] changed = data.clone();
        changed[2 * BLOCK + 13] ^= 0x40;
        assertThat(run(port, verify10(1, 40, 4), changed).hasSense(0x0E, 0x1D, 0x00).information())
                .isEqualTo(2 * BLOCK + 13);
        byte[] lastByte = data.clone();
        lastByte[lastByte.length - 1] ^= 1;
        assertThat(run(port, verify10(1, 40, 4), lastByte).hasSense(0x0E, 0x1D, 0x00).information())
                .isEqualTo(4 * BLOCK - 1);
    }

    @Test
    void bytchkThreeComparesOneBlockWithEveryBlock() {
        byte[] block = pattern(BLOCK, 9);
        byte[] same = new byte[3 * BLOCK];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block, 0, same, i * BLOCK, BLOCK);
        }
        run(port, write10(60, 3), same).isGood();
        run(port, verify10(3, 60, 3), block).isGood();
        kit.device.contents()[62 * BLOCK + 100] ^= 1;
        assertThat(run(port, verify10(3, 60, 3), block).hasSense(0x0E, 0x1D, 0x00).information())
                .isEqualTo(2 * BLOCK + 100);
    }

    @Test
    void bytchkTwoIsReservedAndShortDataOutIsRefused() {
        run(port, verify10(2, 0, 1), new byte[BLOCK]).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 2);
        run(port, verify10(1, 0, 2), new byte[BLOCK]).hasSense(0x05, 0x0E, 0x03);
    }

    @Test
    void verify12And16ParseTheirLayouts() {
        byte[] data = pattern(BLOCK, 1);
        run(port, write10(7, 1), data).isGood();
        run(port, cdb(0xAF, 0x02, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0), data).isGood();
        run(port, sixteen(0x8F, 0x02, 7, 1), data).isGood();
        byte[] other = pattern(BLOCK, 2);
        run(port, sixteen(0x8F, 0x02, 7, 1), other).hasSense(0x0E, 0x1D, 0x00);
    }

    @Test
    void writeAndVerifyWritesForcedAndComparesWithBytchk() {
        byte[] data = pattern(2 * BLOCK, 3);
        byte[] writeVerify = write10(90, 2);
        writeVerify[0] = 0x2E;
        writeVerify[1] = 0x02;
        run(port, writeVerify, data).isGood();
        assertThat(kit.device.forcedWrites.get()).isEqualTo(1);
        assertThat(Arrays.copyOfRange(kit.device.contents(), 90 * BLOCK, 92 * BLOCK)).isEqualTo(data);
        writeVerify[1] = 0;
        run(port, writeVerify, data).isGood();
        run(port, cdb(0xAE, 0x02, 0, 0, 0, 90, 0, 0, 0, 2, 0, 0), data).isGood();
        run(port, sixteen(0x8E, 0x04, 90, 2), data).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 2);
    }

    @Test
    void writeAndVerifyReportsAReadBackFailureAsMediumError() {
        kit.device.failReads(true);
        byte[] writeVerify = write10(5, 1);
        writeVerify[0] = 0x2E;
        run(port, writeVerify, new byte[BLOCK]).hasSense(0x03, 0x11, 0x00);
    }
}
