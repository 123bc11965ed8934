package io.appliance.iscsi.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SenseDataTest {

    @Test
    void fixedFormatLayout() {
        byte[] sense = SenseData.fixedFormat(SenseException.invalidFieldInCdb(7, -1));
        assertThat(sense).hasSize(18);
        assertThat(sense[0]).isEqualTo((byte) 0x70);
        assertThat(sense[2]).isEqualTo((byte) 0x05);
        assertThat(sense[7]).isEqualTo((byte) 10);
        assertThat(new int[] {sense[12], sense[13]}).containsExactly(0x24, 0x00);
        assertThat(sense[15] & 0xFF).isEqualTo(0xC0);
        assertThat(Cdb.u16(sense, 16)).isEqualTo(7);
    }

    @Test
    void bitPointerAndParameterListPointer() {
        byte[] sense = SenseData.fixedFormat(SenseException.invalidFieldInParameterList(300, 6));
        assertThat(sense[15] & 0xFF).isEqualTo(0x80 | 0x08 | 6);
        assertThat(Cdb.u16(sense, 16)).isEqualTo(300);
    }

    @Test
    void informationIsValidOnlyWhenItFitsFourBytes() {
        byte[] small = SenseData.fixedFormat(SenseException.miscompare(0x1234));
        assertThat(small[0] & 0xFF).isEqualTo(0xF0);
        assertThat(Cdb.u32(small, 3)).isEqualTo(0x1234);
        assertThat(small[2]).isEqualTo((byte) 0x0E);
        byte[] large = SenseData.fixedFormat(SenseException.readError(1L << 33, new java.io.IOException("x")));
        assertThat(large[0]).isEqualTo((byte) 0x70);
        assertThat(Cdb.u32(large, 3)).isZero();
        assertThat(large[15]).isZero();
    }

    @Test
    void noSenseIsAllZeroButTheHeader() {
        byte[] sense = SenseData.noSense();
        assertThat(sense[0]).isEqualTo((byte) 0x70);
        assertThat(sense[2]).isZero();
        assertThat(sense[7]).isEqualTo((byte) 10);
        assertThat(sense[12]).isZero();
    }
}
