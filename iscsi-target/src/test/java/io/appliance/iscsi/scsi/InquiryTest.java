package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InquiryTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] inquiry(int evpd, int page, int allocationLength) {
        return cdb(0x12, evpd, page, allocationLength >>> 8, allocationLength, 0);
    }

    @Test
    void standardDataDescribesAnSpc4DirectAccessDevice() {
        byte[] data = run(port, inquiry(0, 0, 260)).isGood().data;
        assertThat(data).hasSize(96);
        assertThat(data[0]).isEqualTo((byte) 0x00);
        assertThat(data[1]).isEqualTo((byte) 0x00);
        assertThat(data[2]).isEqualTo((byte) 0x06);
        assertThat(data[3]).isEqualTo((byte) 0x12);
        assertThat(data[4] & 0xFF).isEqualTo(data.length - 5);
        assertThat(data[7]).isEqualTo((byte) 0x02);
        assertThat(new String(data, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("APPLIANC");
        assertThat(new String(data, 16, 16, StandardCharsets.US_ASCII)).isEqualTo("HA iSCSI Disk   ");
        assertThat(new String(data, 32, 4, StandardCharsets.US_ASCII)).isEqualTo("0001");
        assertThat(new int[] {Cdb.u16(data, 58), Cdb.u16(data, 60), Cdb.u16(data, 62), Cdb.u16(data, 64)})
                .containsExactly(0x00A0, 0x0960, 0x0460, 0x04C0);
    }

    @Test
    void allocationLengthTruncatesEveryAnswer() {
        assertThat(run(port, inquiry(0, 0, 5)).isGood().data).hasSize(5);
        assertThat(run(port, inquiry(1, 0x83, 8)).isGood().data).hasSize(8);
        assertThat(run(port, inquiry(0, 0, 0)).isGood().data).isNull();
    }

    @Test
    void pageCodeWithoutEvpdIsInvalidField() {
        run(port, inquiry(0, 0x80, 255)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, -1);
    }

    @Test
    void unsupportedVpdPageIsInvalidFieldPointingAtThePageCode() {
        run(port, inquiry(1, 0x89, 255)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, -1);
    }

    @Test
    void cmddtIsRefused() {
        run(port, inquiry(2, 0, 255)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 1);
    }

    @Test
    void supportedPagesListsExactlyTheImplementedPagesInOrder() {
        byte[] data = run(port, inquiry(1, 0x00, 255)).isGood().data;
        assertThat(data[1]).isEqualTo((byte) 0x00);
        byte[] pages = Arrays.copyOfRange(data, 4, 4 + Cdb.u16(data, 2));
        assertThat(pages).containsExactly(0x00, 0x80, 0x83, 0x8F, 0xB0, 0xB1, 0xB2);
        for (byte page : pages) {
            assertThat(run(port, inquiry(1, page & 0xFF, 255)).isGood().data[1]).isEqualTo(page);
        }
    }

    @Test
    void unitSerialNumberPageCarriesTheIdentitySerial() {
        byte[] data = run(port, inquiry(1, 0x80, 255)).isGood().data;
        String serial = new String(data, 4, Cdb.u16(data, 2), StandardCharsets.US_ASCII);
        assertThat(serial).isEqualTo(kit.unit.identity().unitSerialNumber()).isEqualTo("0b9c4e3a6f1d4c2b9a7e5d3f2a1b0c9d");
    }

    @Test
    void deviceIdentificationCarriesTheDerivedNaaAndThePortAndTargetDesignators() {
        byte[] data = run(port, inquiry(1, 0x83, 1024)).isGood().data;
        List<byte[]> descriptors = new ArrayList<>();
        int end = 4 + Cdb.u16(data, 2);
        assertThat(end).isEqualTo(data.length);
        for (int offset = 4; offset < end; offset += 4 + (data[offset + 3] & 0xFF)) {
            descriptors.add(Arrays.copyOfRange(data, offset, offset + 4 + (data[offset + 3] & 0xFF)));
        }
        assertThat(descriptors).hasSize(6);
        byte[] naa = descriptors.get(0);
        assertThat(new int[] {naa[0], naa[1], naa[3]}).containsExactly(0x01, 0x03, 16);
        assertThat(Arrays.copyOfRange(naa, 4, 20)).isEqualTo(kit.unit.identity().naaIdentifier());
        byte[] t10 = descriptors.get(1);
        assertThat(new int[] {t10[0], t10[1]}).containsExactly(0x02, 0x01);
        assertThat(new String(t10, 4, t10.length - 4, StandardCharsets.US_ASCII))
                .isEqualTo("APPLIANC" + kit.unit.identity().unitSerialNumber());
        byte[] relativePort = descriptors.get(2);
        assertThat(new int[] {relativePort[0], relativePort[1] & 0xFF, Cdb.u16(relativePort, 6)})
                .containsExactly(0x51, 0x94, 1);
        byte[] group = descriptors.get(3);
        assertThat(new int[] {group[1] & 0xFF, Cdb.u16(group, 6)}).containsExactly(0x95, 7);
        byte[] portName = descriptors.get(4);
        assertThat(new int[] {portName[0], portName[1] & 0xFF}).containsExactly(0x53, 0x98);
        assertThat(cString(portName)).isEqualTo(ScsiTestKit.TARGET_NAME + ",t,0x0001");
        byte[] targetName = descriptors.get(5);
        assertThat(new int[] {targetName[0], targetName[1] & 0xFF}).containsExactly(0x53, 0xA8);
        assertThat(targetName[3] % 4).isZero();
        assertThat(cString(targetName)).isEqualTo(ScsiTestKit.TARGET_NAME);
    }

    @Test
    void blockLimitsReportTheMaximumTransferAndNoUnmap() {
        byte[] data = run(port, inquiry(1, 0xB0, 255)).isGood().data;
        assertThat(Cdb.u16(data, 2)).isEqualTo(0x3C);
        assertThat(Cdb.u16(data, 6)).isEqualTo(8);
        assertThat(Cdb.u32(data, 8)).isEqualTo(LogicalUnit.MAX_TRANSFER_BYTES / ScsiTestKit.BLOCK);
        assertThat(Cdb.u32(data, 20)).isZero();
        assertThat(Cdb.u32(data, 24)).isZero();
    }

    @Test
    void blockDeviceCharacteristicsSayNonRotating() {
        byte[] data = run(port, inquiry(1, 0xB1, 255)).isGood().data;
        assertThat(Cdb.u16(data, 4)).isEqualTo(1);
    }

    @Test
    void logicalBlockProvisioningSaysFullyProvisioned() {
        byte[] data = run(port, inquiry(1, 0xB2, 255)).isGood().data;
        assertThat(data).hasSize(8);
        assertThat(data[5]).isZero();
        assertThat(data[6] & 0x07).isZero();
    }

    @Test
    void unmappedLunAnswersWithPeripheralQualifier3AndGood() {
        byte[] data = run(port, 5, inquiry(0, 0, 96), null).isGood().data;
        assertThat(data[0]).isEqualTo((byte) 0x7F);
        run(port, 5, inquiry(1, 0x80, 96), null).hasSense(0x05, 0x25, 0x00);
    }

    private static String cString(byte[] descriptor) {
        int end = 4;
        while (end < descriptor.length && descriptor[end] != 0) {
            end++;
        }
        return new String(descriptor, 4, end - 4, StandardCharsets.UTF_8);
    }
}
