package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UnitAttentionTest {

    private static final byte[] TEST_UNIT_READY = cdb(0, 0, 0, 0, 0, 0);
    private static final byte[] INQUIRY = cdb(0x12, 0, 0, 0, 96, 0);
    private static final byte[] REPORT_LUNS = cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    private static final byte[] REQUEST_SENSE = cdb(0x03, 0, 0, 0, 18, 0);

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort first = kit.open("iqn.1994-05.com.example:first");
    private final ScsiNexusPort second = kit.open("iqn.1994-05.com.example:second");

    @Test
    void aNewNexusHasNoUnitAttention() {
        run(first, TEST_UNIT_READY).isGood();
    }

    @Test
    void logicalUnitResetIsSeenOnceByEveryNexusAndNotByInquiryOrReportLuns() throws Exception {
        assertThat(first.logicalUnitReset(0).get(5, TimeUnit.SECONDS))
                .isEqualTo(ScsiNexusPort.TaskManagementResult.FUNCTION_COMPLETE);
        run(second, INQUIRY).isGood();
        run(second, REPORT_LUNS).isGood();
        run(second, TEST_UNIT_READY).hasSense(0x06, 0x29, 0x00);
        run(second, TEST_UNIT_READY).isGood();
        run(first, TEST_UNIT_READY).hasSense(0x06, 0x29, 0x00);
        run(first, TEST_UNIT_READY).isGood();
    }

    @Test
    void aResetOfOneUnitLeavesTheOthersAlone() throws Exception {
        LogicalUnit other = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false);
        kit.target.addLun(1, other);
        run(second, 1, REPORT_LUNS, null).isGood();
        first.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        run(second, 1, TEST_UNIT_READY, null).isGood();
        run(second, 0, TEST_UNIT_READY, null).hasSense(0x06, 0x29, 0x00);
    }

    @Test
    void unitAttentionIsReportedEvenForAnUnsupportedOpcode() throws Exception {
        first.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        run(second, cdb(0xC0, 0, 0, 0, 0, 0)).hasSense(0x06, 0x29, 0x00);
        run(second, cdb(0xC0, 0, 0, 0, 0, 0)).hasSense(0x05, 0x20, 0x00);
    }

    @Test
    void requestSenseReturnsAndClearsThePendingUnitAttention() throws Exception {
        first.targetReset().get(5, TimeUnit.SECONDS);
        byte[] sense = run(second, REQUEST_SENSE).isGood().data;
        assertThat(new int[] {sense[0] & 0x7F, sense[2] & 0x0F, sense[12], sense[13]}).containsExactly(0x70, 6, 0x29, 0);
        byte[] none = run(second, REQUEST_SENSE).isGood().data;
        assertThat(new int[] {none[2] & 0x0F, none[12], none[13]}).containsExactly(0, 0, 0);
        run(second, TEST_UNIT_READY).isGood();
    }

    @Test
    void requestSenseOnAnUnmappedLunReportsLogicalUnitNotSupportedAsData() {
        byte[] sense = run(first, 9, REQUEST_SENSE, null).isGood().data;
        assertThat(new int[] {sense[2] & 0x0F, sense[12], sense[13]}).containsExactly(5, 0x25, 0);
    }

    @Test
    void requestSenseWithDescFormatIsRefused() {
        run(first, cdb(0x03, 1, 0, 0, 18, 0)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 0);
    }

    @Test
    void capacityChangeIsSeenByEveryNexus() {
        kit.device.resize(ScsiTestKit.BLOCKS * 2);
        kit.unit.capacityChanged();
        run(first, TEST_UNIT_READY).hasSense(0x06, 0x2A, 0x09);
        run(second, TEST_UNIT_READY).hasSense(0x06, 0x2A, 0x09);
        byte[] capacity = run(first, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood().data;
        assertThat(Cdb.u32(capacity, 0)).isEqualTo(ScsiTestKit.BLOCKS * 2 - 1);
    }

    @Test
    void lunInventoryChangeIsReportedAndClearedByReportLuns() {
        LogicalUnit extra = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(8, 512), false);
        kit.target.addLun(1, extra);
        run(first, TEST_UNIT_READY).hasSense(0x06, 0x3F, 0x0E);
        run(first, TEST_UNIT_READY).isGood();
        run(second, REPORT_LUNS).isGood();
        run(second, TEST_UNIT_READY).isGood();
        run(second, 1, TEST_UNIT_READY, null).isGood();
        kit.target.removeLun(1);
        run(first, TEST_UNIT_READY).hasSense(0x06, 0x3F, 0x0E);
        run(first, 1, TEST_UNIT_READY, null).hasSense(0x05, 0x25, 0x00);
    }

    @Test
    void reloginOfTheSameNexusKeepsItsPendingUnitAttention() throws Exception {
        first.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        ScsiNexusPort again = kit.target.openNexus(second.nexus(), Map.of());
        run(again, TEST_UNIT_READY).hasSense(0x06, 0x29, 0x00);
        run(second, TEST_UNIT_READY).isGood();
    }

    @Test
    void reinstatementOpensTheNewPortBeforeTheOldIsLostAndKeepsThePendingUnitAttention() throws Exception {
        first.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        ScsiNexusPort reinstated = kit.target.openNexus(second.nexus(), Map.of());
        second.nexusLost();

        run(reinstated, TEST_UNIT_READY).hasSense(0x06, 0x29, 0x00);
    }

    @Test
    void theStateOfANexusWhoseLastPortIsLostIsDropped() throws Exception {
        int before = kit.target.nexusCount();
        first.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        second.nexusLost();
        second.nexusLost();

        assertThat(kit.target.nexusCount()).isEqualTo(before - 1);
        ScsiNexusPort relogin = kit.target.openNexus(second.nexus(), Map.of());
        run(relogin, TEST_UNIT_READY).isGood();
        assertThat(kit.target.nexusCount()).isEqualTo(before);
    }

    @Test
    void modeSelectEstablishesModeParametersChangedForTheOthersOnly() {
        byte[] list = {0, 0, 0, 0, 0x08, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        run(first, cdb(0x15, 0x10, 0, 0, list.length, 0), list).isGood();
        run(first, TEST_UNIT_READY).isGood();
        run(second, TEST_UNIT_READY).hasSense(0x06, 0x2A, 0x01);
        run(first, cdb(0x15, 0x10, 0, 0, list.length, 0), list).isGood();
        run(second, TEST_UNIT_READY).isGood();
    }

    @Test
    void resetOfAnUnmappedLunSaysTheLunDoesNotExist() throws Exception {
        assertThat(first.logicalUnitReset(4).get(5, TimeUnit.SECONDS))
                .isEqualTo(ScsiNexusPort.TaskManagementResult.LUN_DOES_NOT_EXIST);
    }
}
