package io.appliance.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * INQUIRY — SPC-4 §6.6: standard data (Table 142) or one of the vital product data pages
 * (§7.8, SBC-3 §6.5) this device server supports. For a LUN with no logical unit the standard
 * data says peripheral qualifier 011b / device type 1Fh (SPC-4 §6.6.2); its VPD pages are
 * LOGICAL UNIT NOT SUPPORTED.
 */
final class InquiryHandler implements CommandHandler {

    /** Supported VPD pages, ascending (SPC-4 §7.8.13 requires the order). */
    static final int[] SUPPORTED_PAGES = {0x00, 0x80, 0x83, 0x8F, 0xB0, 0xB1, 0xB2};

    private static final int STANDARD_LENGTH = 96;
    private static final int NO_UNIT_PERIPHERAL = 0x7F;
    /** Version descriptors (SPC-4 Table 144): SAM-5, iSCSI, SPC-4, SBC-3, each "no version claimed". */
    private static final int[] VERSION_DESCRIPTORS = {0x00A0, 0x0960, 0x0460, 0x04C0};

    private static final int PROTOCOL_ISCSI = 0x5;
    private static final int CODE_SET_BINARY = 0x1;
    private static final int CODE_SET_ASCII = 0x2;
    private static final int CODE_SET_UTF8 = 0x3;
    private static final int ASSOCIATION_UNIT = 0x0;
    private static final int ASSOCIATION_TARGET_PORT = 0x1;
    private static final int ASSOCIATION_TARGET_DEVICE = 0x2;
    private static final int DESIGNATOR_T10_VENDOR = 0x1;
    private static final int DESIGNATOR_NAA = 0x3;
    private static final int DESIGNATOR_RELATIVE_TARGET_PORT = 0x4;
    private static final int DESIGNATOR_TARGET_PORT_GROUP = 0x5;
    private static final int DESIGNATOR_SCSI_NAME = 0x8;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        boolean vitalProductData = (cdb[1] & 0x01) != 0;
        int pageCode = Cdb.u8(cdb, 2);
        int allocationLength = Cdb.u16(cdb, 3);
        LogicalUnit unit = context.unit();
        if (!vitalProductData) {
            if (pageCode != 0) {
                // SPC-4 §6.6.1: PAGE CODE must be zero when EVPD is zero
                throw SenseException.invalidFieldInCdb(2, -1);
            }
            return DataIn.truncated(standard(unit), allocationLength);
        }
        if (unit == null) {
            throw SenseException.logicalUnitNotSupported();
        }
        byte[] page = switch (pageCode) {
            case 0x00 -> supportedPages();
            case 0x80 -> unitSerialNumber(unit);
            case 0x83 -> deviceIdentification(unit, context);
            case 0x8F -> CopyManager.thirdPartyCopyPage();
            case 0xB0 -> blockLimits(unit);
            case 0xB1 -> blockDeviceCharacteristics();
            case 0xB2 -> logicalBlockProvisioning(unit);
            default -> throw SenseException.invalidFieldInCdb(2, -1);
        };
        return DataIn.truncated(page, allocationLength);
    }

    /** Standard INQUIRY data, SPC-4 Table 142. */
    static byte[] standard(LogicalUnit unit) {
        byte[] data = new byte[STANDARD_LENGTH];
        data[0] = (byte) (unit == null ? NO_UNIT_PERIPHERAL : 0x00); // qualifier 000b, direct access block device
        data[1] = 0;            // RMB 0: not removable
        data[2] = 0x06;         // VERSION: SPC-4
        data[3] = 0x12;         // NORMACA 0, HISUP 1, RESPONSE DATA FORMAT 2
        data[4] = (byte) (STANDARD_LENGTH - 5);
        data[5] = 0;            // SCCS, ACC, TPGS 00b (no ALUA), 3PC, PROTECT all 0
        data[5] |= 0x08;        // 3PC: EXTENDED COPY and RECEIVE COPY RESULTS supported (SPC-4 §6.6.2)
        data[6] = 0;            // ENCSERV, MULTIP 0
        data[7] = 0x02;         // CMDQUE 1: full task management model
        LunIdentity identity = unit == null ? null : unit.identity();
        Cdb.putAscii(data, 8, 8, identity == null ? LunIdentity.DEFAULT_VENDOR_ID : identity.vendorId());
        Cdb.putAscii(data, 16, 16, identity == null ? LunIdentity.DEFAULT_PRODUCT_ID : identity.productId());
        Cdb.putAscii(data, 32, 4, identity == null ? LunIdentity.DEFAULT_PRODUCT_REVISION : identity.productRevision());
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            Cdb.putShort(data, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return data;
    }

    private static byte[] supportedPages() {
        byte[] page = header(0x00, SUPPORTED_PAGES.length);
        for (int i = 0; i < SUPPORTED_PAGES.length; i++) {
            page[4 + i] = (byte) SUPPORTED_PAGES[i];
        }
        return page;
    }

    /** Unit Serial Number VPD page, SPC-4 §7.8.15. */
    private static byte[] unitSerialNumber(LogicalUnit unit) {
        byte[] serial = unit.identity().unitSerialNumber().getBytes(StandardCharsets.US_ASCII);
        byte[] page = header(0x80, serial.length);
        System.arraycopy(serial, 0, page, 4, serial.length);
        return page;
    }

    /**
     * Device Identification VPD page, SPC-4 §7.8.6: the unit's NAA and T10 vendor ID designators,
     * the relative target port and target port group of the port the command came through, and
     * the SCSI name strings of that target port and of the target device.
     */
    private static byte[] deviceIdentification(LogicalUnit unit, CommandContext context) {
        ScsiTarget target = context.target();
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        LunIdentity identity = unit.identity();
        designator(descriptors, 0, CODE_SET_BINARY, false, ASSOCIATION_UNIT, DESIGNATOR_NAA, identity.naaIdentifier());
        byte[] t10 = new byte[8 + identity.unitSerialNumber().length()];
        Cdb.putAscii(t10, 0, 8, identity.vendorId());
        Cdb.putAscii(t10, 8, identity.unitSerialNumber().length(), identity.unitSerialNumber());
        designator(descriptors, 0, CODE_SET_ASCII, false, ASSOCIATION_UNIT, DESIGNATOR_T10_VENDOR, t10);
        byte[] relativePort = new byte[4];
        Cdb.putShort(relativePort, 2, target.relativeTargetPortId());
        designator(descriptors, PROTOCOL_ISCSI, CODE_SET_BINARY, true, ASSOCIATION_TARGET_PORT,
                DESIGNATOR_RELATIVE_TARGET_PORT, relativePort);
        byte[] portGroup = new byte[4];
        Cdb.putShort(portGroup, 2, target.targetPortGroup());
        designator(descriptors, PROTOCOL_ISCSI, CODE_SET_BINARY, true, ASSOCIATION_TARGET_PORT,
                DESIGNATOR_TARGET_PORT_GROUP, portGroup);
        designator(descriptors, PROTOCOL_ISCSI, CODE_SET_UTF8, true, ASSOCIATION_TARGET_PORT, DESIGNATOR_SCSI_NAME,
                scsiNameString(context.nexus().targetPortName()));
        designator(descriptors, PROTOCOL_ISCSI, CODE_SET_UTF8, true, ASSOCIATION_TARGET_DEVICE, DESIGNATOR_SCSI_NAME,
                scsiNameString(target.targetName()));
        byte[] body = descriptors.toByteArray();
        byte[] page = header(0x83, body.length);
        System.arraycopy(body, 0, page, 4, body.length);
        return page;
    }

    /** SPC-4 §7.8.6.10: null terminated, padded with nulls to a multiple of 4 bytes. */
    private static byte[] scsiNameString(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int length = (utf8.length + 1 + 3) & ~3;
        byte[] padded = new byte[length];
        System.arraycopy(utf8, 0, padded, 0, utf8.length);
        return padded;
    }

    /** Designation descriptor, SPC-4 Table 459. */
    private static void designator(ByteArrayOutputStream out, int protocol, int codeSet, boolean protocolValid,
            int association, int type, byte[] designator) {
        out.write((protocol << 4) | codeSet);
        out.write((protocolValid ? 0x80 : 0) | (association << 4) | type);
        out.write(0);
        out.write(designator.length);
        out.write(designator, 0, designator.length);
    }

    /**
     * Block Limits VPD page, SBC-3 §6.5.3 Table 151: MAXIMUM COMPARE AND WRITE LENGTH, optimal granularity one
     * 4 KiB piece of the backing store, MAXIMUM and OPTIMAL TRANSFER LENGTH {@link LogicalUnit#MAX_TRANSFER_BYTES},
     * WSNZ and MAXIMUM WRITE SAME LENGTH, and the UNMAP limits of {@link ThinProvisioning} when
     * the unit is thin provisioned (counts 0 otherwise), and the WRITE ATOMIC (16) limits of SBC-4 §6.6.4 when the
     * unit has an atomic write log (0 otherwise).
     */
    private static byte[] blockLimits(LogicalUnit unit) {
        byte[] page = header(0xB0, 0x3C);
        page[5] = (byte) CompareAndWriteHandler.MAX_BLOCKS; // MAXIMUM COMPARE AND WRITE LENGTH
        Cdb.putShort(page, 6, unit.backingGranularityBlocks());
        Cdb.putInt(page, 8, unit.maxTransferBlocks());
        Cdb.putInt(page, 12, unit.maxTransferBlocks());
        Cdb.putInt(page, 16, unit.maxTransferBlocks()); // MAXIMUM PREFETCH LENGTH
        page[4] |= 0x01; // WSNZ: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 is refused
        Cdb.putLong(page, 36, ThinProvisioning.MAX_WRITE_SAME_BLOCKS);
        // SBC-4 §6.6.4: atomic limits, 0 without WRITE ATOMIC (16); MAXIMUM ATOMIC TRANSFER LENGTH WITH ATOMIC
        // BOUNDARY (56-59) and MAXIMUM ATOMIC BOUNDARY SIZE (60-63) stay 0: no ATOMIC BOUNDARY is supported
        Cdb.putInt(page, 44, unit.maxAtomicTransferBlocks());
        Cdb.putInt(page, 48, unit.atomicAlignmentBlocks());
        Cdb.putInt(page, 52, unit.atomicAlignmentBlocks());
        if (ThinProvisioning.enabled(unit)) {
            // SBC-3 §6.5.3: UNMAP limits only when LBPU is set in the provisioning page
            Cdb.putInt(page, 20, ThinProvisioning.MAX_UNMAP_BLOCKS);
            Cdb.putInt(page, 24, ThinProvisioning.MAX_UNMAP_DESCRIPTORS);
            Cdb.putInt(page, 28, ThinProvisioning.unmapGranularityBlocks(unit));
            page[32] = (byte) 0x80; // UGAVALID 1, UNMAP GRANULARITY ALIGNMENT 0
        }
        return page;
    }

    /** Block Device Characteristics VPD page, SBC-3 §6.5.2: rotation rate 1 (non-rotating), form factor not reported. */
    private static byte[] blockDeviceCharacteristics() {
        byte[] page = header(0xB1, 0x3C);
        Cdb.putShort(page, 4, 0x0001);
        return page;
    }

    /**
     * Logical Block Provisioning VPD page, SBC-3 §6.5.4: for a thin provisioned unit LBPU, LBPWS,
     * LBPWS10 and LBPRZ 1 and PROVISIONING TYPE 010b (thin); otherwise all 0 and type 000b (fully
     * provisioned). ANC_SUP and DP 0. Matches LBPME/LBPRZ in READ CAPACITY(16).
     */
    private static byte[] logicalBlockProvisioning(LogicalUnit unit) {
        byte[] page = header(0xB2, 4);
        if (ThinProvisioning.enabled(unit)) {
            page[5] = (byte) 0xE4; // LBPU, LBPWS, LBPWS10, LBPRZ
            page[6] = 0x02;        // PROVISIONING TYPE: thin
        }
        return page;
    }

    private static byte[] header(int pageCode, int pageLength) {
        byte[] page = new byte[4 + pageLength];
        page[0] = 0x00; // peripheral qualifier 000b, direct access block device
        page[1] = (byte) pageCode;
        Cdb.putShort(page, 2, pageLength);
        return page;
    }
}
