package io.appliance.iscsi.scsi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT LUNS — SPC-4 §6.33. SELECT REPORT 00h and 02h list the LUNs of this nexus (there are no
 * well-known logical units, so both list the same), always including LUN 0 (SPC-4 §6.33: a
 * target's LUN 0 must answer, with peripheral qualifier 011b when there is no unit); 01h (well
 * known units only) lists none. Each entry is 8 bytes, single-level: peripheral device addressing
 * for LUN 0-255, flat space addressing for 256-16383 (SAM-5 §4.7). Clears a pending REPORTED LUNS
 * DATA HAS CHANGED unit attention of this nexus.
 */
final class ReportLunsHandler implements CommandHandler {

    private static final int ALL_LOGICAL_UNITS = 0x00;
    private static final int WELL_KNOWN_ONLY = 0x01;
    private static final int ALL_INCLUDING_WELL_KNOWN = 0x02;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        int selectReport = Cdb.u8(cdb, 2);
        long allocationLength = Cdb.u32(cdb, 6);
        List<Integer> luns = new ArrayList<>();
        switch (selectReport) {
            case ALL_LOGICAL_UNITS, ALL_INCLUDING_WELL_KNOWN -> {
                luns.addAll(context.port().visibleLuns());
                if (luns.isEmpty() || luns.get(0) != 0) {
                    luns.add(0, 0);
                }
            }
            case WELL_KNOWN_ONLY -> {
            }
            default -> throw SenseException.invalidFieldInCdb(2, -1);
        }
        context.nexusState().clearEverywhere(UnitAttention.REPORTED_LUNS_DATA_CHANGED);
        byte[] data = new byte[8 + 8 * luns.size()];
        Cdb.putInt(data, 0, 8L * luns.size());
        for (int i = 0; i < luns.size(); i++) {
            encodeLun(luns.get(i), data, 8 + 8 * i);
        }
        return DataIn.truncated(data, allocationLength);
    }

    /** SAM-5 §4.7.7.2 peripheral device addressing (00b) below 256, §4.7.7.4 flat space addressing (01b) above. */
    static void encodeLun(int lun, byte[] data, int offset) {
        if (lun < 256) {
            data[offset] = 0;
            data[offset + 1] = (byte) lun;
        } else {
            data[offset] = (byte) (0x40 | (lun >>> 8));
            data[offset + 1] = (byte) lun;
        }
    }
}
