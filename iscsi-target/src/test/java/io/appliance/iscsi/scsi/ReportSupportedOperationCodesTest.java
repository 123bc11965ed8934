package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSupportedOperationCodesTest {

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort port = kit.open("iqn.1994-05.com.example:a");

    private static byte[] rsoc(int rctd, int options, int opcode, int serviceAction, int allocationLength) {
        return cdb(0xA3, 0x0C, rctd << 7 | options, opcode, serviceAction >>> 8, serviceAction,
                allocationLength >>> 24, allocationLength >>> 16, allocationLength >>> 8, allocationLength, 0, 0);
    }

    /** The dispatch table as the kit's unit (no atomic write log) supports it. */
    private List<CommandDescriptor> supported() {
        return StandardCommands.TABLE.all().stream().filter(d -> d.supportedBy(kit.unit)).toList();
    }

    @Test
    void allCommandsListsExactlyTheDispatchTable() {
        byte[] data = run(port, rsoc(0, 0, 0, 0, 65535)).isGood().data;
        int length = (int) Cdb.u32(data, 0);
        assertThat(data).hasSize(4 + length);
        List<String> reported = new ArrayList<>();
        for (int offset = 4; offset < data.length; offset += 8) {
            boolean serviceAction = (data[offset + 5] & 0x01) != 0;
            reported.add(String.format("%02X/%s/%d", data[offset] & 0xFF,
                    serviceAction ? Integer.toHexString(Cdb.u16(data, offset + 2)) : "-", Cdb.u16(data, offset + 6)));
        }
        List<String> table = new ArrayList<>();
        for (CommandDescriptor d : supported()) {
            table.add(String.format("%02X/%s/%d", d.opcode(), d.hasServiceAction() ? Integer.toHexString(d.serviceAction()) : "-",
                    d.cdbLength()));
        }
        assertThat(reported).containsExactlyElementsOf(table);
        assertThat(reported).contains("28/-/10", "9E/10/16", "A3/c/12", "12/-/6");
        assertThat(reported).contains("37/-/10", "8B/-/16", "B7/-/12");
        assertThat(reported).contains("41/-/10", "42/-/10", "93/-/16", "9E/12/16");
        int thinProvisioning = 4; // WRITE SAME(10), UNMAP, WRITE SAME(16), GET LBA STATUS
        int persistentReservations = 4 + 8; // PERSISTENT RESERVE IN and OUT service actions
        assertThat(reported).contains("5E/0/10", "5E/3/10", "5F/0/10", "5F/7/10");
        int copyOffload = 4; // COMPARE AND WRITE, EXTENDED COPY, RECEIVE COPY RESULTS 00h and 03h
        assertThat(reported).contains("89/-/16", "83/-/16", "84/0/16", "84/3/16");
        assertThat(reported).hasSize(38 + persistentReservations + thinProvisioning + copyOffload);
    }

    @Test
    void rctdAddsATimeoutsDescriptorToEachCommand() {
        byte[] data = run(port, rsoc(1, 0, 0, 0, 65535)).isGood().data;
        assertThat(Cdb.u32(data, 0)).isEqualTo(20L * supported().size());
        for (int offset = 4; offset < data.length; offset += 20) {
            assertThat(data[offset + 5] & 0x02).as("CTDP").isEqualTo(0x02);
            assertThat(Cdb.u16(data, offset + 8)).isEqualTo(0x0A);
        }
    }

    @Test
    void oneCommandCarriesItsUsageData() {
        byte[] data = run(port, rsoc(0, 1, 0x28, 0, 65535)).isGood().data;
        assertThat(data[1] & 0x07).isEqualTo(3);
        assertThat(Cdb.u16(data, 2)).isEqualTo(10);
        assertThat(data[4]).isEqualTo((byte) 0x28);
        assertThat(data[5] & 0x18).as("DPO and FUA used, matching DPOFUA in MODE SENSE").isEqualTo(0x18);
        byte[] withService = run(port, rsoc(1, 2, 0x9E, 0x10, 65535)).isGood().data;
        assertThat(withService[1] & 0x80).as("CTDP").isEqualTo(0x80);
        assertThat(new int[] {withService[4] & 0xFF, withService[5]}).containsExactly(0x9E, 0x10);
        assertThat(withService).hasSize(4 + 16 + 12);
    }

    @Test
    void unsupportedOneCommandSaysNotSupported() {
        byte[] data = run(port, rsoc(0, 1, 0xC1, 0, 65535)).isGood().data;
        assertThat(data[1] & 0x07).isEqualTo(1);
        assertThat(Cdb.u16(data, 2)).isZero();
        byte[] unknownAction = run(port, rsoc(0, 2, 0x9E, 0x13, 65535)).isGood().data;
        assertThat(unknownAction[1] & 0x07).isEqualTo(1);
    }

    @Test
    void reportingOptionMustMatchWhetherTheOpcodeHasServiceActions() {
        run(port, rsoc(0, 1, 0x9E, 0x10, 65535)).hasSense(0x05, 0x24, 0x00);
        run(port, rsoc(0, 2, 0x28, 0, 65535)).hasSense(0x05, 0x24, 0x00);
        run(port, rsoc(0, 5, 0x28, 0, 65535)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, 2);
    }

    @Test
    void everyReportedCommandIsAcceptedByTheDispatcherWithItsOwnUsageBits() {
        for (CommandDescriptor d : supported()) {
            byte[] cdb = new byte[d.cdbLength()];
            cdb[0] = (byte) d.opcode();
            if (d.hasServiceAction()) {
                cdb[1] = (byte) d.serviceAction();
            }
            ScsiTestKit.Answer answer = run(port, cdb, new byte[0]);
            boolean refusedAsUnknown = answer.status == ScsiResult.CHECK_CONDITION
                    && (answer.sense[12] == 0x20 || (answer.sense[12] == 0x24 && Cdb.u16(answer.sense, 16) == 0));
            assertThat(refusedAsUnknown).as(d.name()).isFalse();
        }
    }
}
