package io.appliance.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * MODE SENSE(6) and MODE SENSE(10) — SPC-4 §6.11/6.12: mode parameter header (Tables 451/452) with
 * the device-specific parameter of SBC-3 §6.4.1 (WP for a read-only unit, DPOFUA 1: DPO and FUA
 * are supported), an optional block descriptor (short, or long with LLBAA in MODE SENSE(10)),
 * then the requested page or all pages (3Fh, subpage 00h or FFh; there are no subpages).
 * PC 11b (saved values) ends in SAVING PARAMETERS NOT SUPPORTED: nothing is savable.
 */
final class ModeSenseHandler implements CommandHandler {

    private static final int DBD = 0x08;
    private static final int LLBAA = 0x10;
    private static final int PC_SAVED = 3;
    private static final int ALL_SUBPAGES = 0xFF;
    private static final int WP = 0x80;
    private static final int DPOFUA = 0x10;

    private final boolean tenByte;

    ModeSenseHandler(boolean tenByte) {
        this.tenByte = tenByte;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        LogicalUnit unit = context.unit();
        boolean disableBlockDescriptors = (cdb[1] & DBD) != 0;
        boolean longLba = tenByte && (cdb[1] & LLBAA) != 0;
        int pageControl = (cdb[2] >> 6) & 0x03;
        int pageCode = cdb[2] & 0x3F;
        int subpageCode = Cdb.u8(cdb, 3);
        int allocationLength = tenByte ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (pageControl == PC_SAVED) {
            throw SenseException.savingParametersNotSupported();
        }
        ModePage.PageControl control = ModePage.PageControl.values()[pageControl];

        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        if (pageCode == ModePage.ALL_PAGES) {
            if (subpageCode != 0 && subpageCode != ALL_SUBPAGES) {
                throw SenseException.invalidFieldInCdb(3, -1);
            }
            for (ModePage page : ModePage.values()) {
                pages.writeBytes(page.encode(control, unit.modeParameters(), unit.readOnly()));
            }
        } else {
            ModePage page = ModePage.byCode(pageCode);
            if (page == null) {
                throw SenseException.invalidFieldInCdb(2, 5);
            }
            if (subpageCode != 0) {
                throw SenseException.invalidFieldInCdb(3, -1);
            }
            pages.writeBytes(page.encode(control, unit.modeParameters(), unit.readOnly()));
        }

        byte[] descriptor = disableBlockDescriptors
                ? new byte[0]
                : blockDescriptor(unit, longLba, control == ModePage.PageControl.CHANGEABLE);
        int headerLength = tenByte ? 8 : 4;
        byte[] data = new byte[headerLength + descriptor.length + pages.size()];
        int deviceSpecific = (unit.readOnly() ? WP : 0) | DPOFUA;
        if (tenByte) {
            Cdb.putShort(data, 0, data.length - 2);
            data[3] = (byte) deviceSpecific;
            data[4] = (byte) (longLba && descriptor.length > 0 ? 0x01 : 0);
            Cdb.putShort(data, 6, descriptor.length);
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = (byte) deviceSpecific;
            data[3] = (byte) descriptor.length;
        }
        System.arraycopy(descriptor, 0, data, headerLength, descriptor.length);
        byte[] pageBytes = pages.toByteArray();
        System.arraycopy(pageBytes, 0, data, headerLength + descriptor.length, pageBytes.length);
        return DataIn.truncated(data, allocationLength);
    }

    /**
     * SBC-3 §6.4.2: short descriptor (NUMBER OF LOGICAL BLOCKS FFFFFFFFh when too large, BLOCK
     * LENGTH) or long descriptor (64-bit count). Nothing in it is changeable.
     */
    private static byte[] blockDescriptor(LogicalUnit unit, boolean longLba, boolean changeable) {
        byte[] descriptor = new byte[longLba ? 16 : 8];
        if (changeable) {
            return descriptor;
        }
        long blocks = unit.capacityBlocks();
        if (longLba) {
            Cdb.putLong(descriptor, 0, blocks);
            Cdb.putInt(descriptor, 12, unit.blockSize());
        } else {
            Cdb.putInt(descriptor, 0, Math.min(blocks, 0xFFFF_FFFFL));
            descriptor[5] = (byte) (unit.blockSize() >>> 16);
            Cdb.putShort(descriptor, 6, unit.blockSize() & 0xFFFF);
        }
        return descriptor;
    }
}
