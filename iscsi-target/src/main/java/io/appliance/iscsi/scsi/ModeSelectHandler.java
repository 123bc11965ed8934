package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * MODE SELECT(6) and MODE SELECT(10) — SPC-4 §6.9/6.10. The parameter list (header, at most one
 * block descriptor, pages) is validated completely before anything is applied: a field changed
 * that the changeable values do not allow ends in INVALID FIELD IN PARAMETER LIST with a pointer
 * to it; a list cut short ends in PARAMETER LIST LENGTH ERROR. SP 1 is refused by the CDB usage
 * check (nothing is savable) and PF 0 (vendor-specific page format) is refused here. A change
 * establishes MODE PARAMETERS CHANGED for the other nexuses (SPC-4 §5.14).
 */
final class ModeSelectHandler implements CommandHandler {

    private static final int PAGE_FORMAT = 0x10;
    private static final int SUBPAGE_FORMAT = 0x40;

    private final boolean tenByte;

    ModeSelectHandler(boolean tenByte) {
        this.tenByte = tenByte;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        LogicalUnit unit = context.unit();
        int listLength = tenByte ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        context.transferBytes(listLength);
        if (listLength == 0) {
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(0));
        }
        if ((cdb[1] & PAGE_FORMAT) == 0) {
            throw SenseException.invalidFieldInCdb(1, 4);
        }
        ByteBuf dataOut = context.dataOut();
        if (dataOut == null || dataOut.readableBytes() < listLength) {
            throw SenseException.parameterListLengthError();
        }
        byte[] list = ByteBufUtil.getBytes(dataOut, dataOut.readerIndex(), listLength);

        int headerLength = tenByte ? 8 : 4;
        if (listLength < headerLength) {
            throw SenseException.parameterListLengthError();
        }
        int descriptorLength = tenByte ? Cdb.u16(list, 6) : Cdb.u8(list, 3);
        boolean longLba = tenByte && (list[4] & 0x01) != 0;
        int mediumTypeOffset = tenByte ? 2 : 1;
        if (list[mediumTypeOffset] != 0) {
            throw SenseException.invalidFieldInParameterList(mediumTypeOffset, -1);
        }
        int offset = headerLength;
        if (descriptorLength != 0) {
            checkBlockDescriptor(unit, list, offset, descriptorLength, longLba, tenByte ? 6 : 3);
            offset += descriptorLength;
        }

        List<Integer> pageOffsets = new ArrayList<>();
        List<ModePage> pages = new ArrayList<>();
        while (offset < listLength) {
            if (offset + 2 > listLength) {
                throw SenseException.parameterListLengthError();
            }
            if ((list[offset] & SUBPAGE_FORMAT) != 0) {
                throw SenseException.invalidFieldInParameterList(offset, 6);
            }
            ModePage page = ModePage.byCode(list[offset] & 0x3F);
            if (page == null) {
                throw SenseException.invalidFieldInParameterList(offset, 5);
            }
            if (Cdb.u8(list, offset + 1) != page.size() - 2) {
                throw SenseException.invalidFieldInParameterList(offset + 1, -1);
            }
            if (offset + page.size() > listLength) {
                throw SenseException.parameterListLengthError();
            }
            checkOnlyChangeableFieldsDiffer(page, unit, list, offset);
            pages.add(page);
            pageOffsets.add(offset);
            offset += page.size();
        }

        boolean changed = false;
        ModeParameters parameters = unit.modeParameters();
        synchronized (parameters) {
            for (int i = 0; i < pages.size(); i++) {
                ModePage page = pages.get(i);
                byte[] before = page.encode(ModePage.PageControl.CURRENT, parameters, unit.readOnly());
                page.apply(list, pageOffsets.get(i), parameters);
                byte[] after = page.encode(ModePage.PageControl.CURRENT, parameters, unit.readOnly());
                changed |= !Arrays.equals(before, after);
            }
        }
        if (changed) {
            unit.modeParametersChanged(context.nexus());
        }
        return CompletableFuture.completedFuture(ScsiResult.goodWrite(listLength));
    }

    /**
     * SPC-4 §6.9: the block descriptor may only restate the current BLOCK LENGTH and the current
     * (or zero: "no change") NUMBER OF LOGICAL BLOCKS; this device server cannot be reformatted.
     */
    private static void checkBlockDescriptor(LogicalUnit unit, byte[] list, int offset, int length, boolean longLba,
            int lengthFieldOffset) throws SenseException {
        int expected = longLba ? 16 : 8;
        if (length != expected) {
            throw SenseException.invalidFieldInParameterList(lengthFieldOffset, -1);
        }
        if (offset + length > list.length) {
            throw SenseException.parameterListLengthError();
        }
        long blocks = longLba ? Cdb.u64(list, offset) : Cdb.u32(list, offset);
        long blockLength = longLba ? Cdb.u32(list, offset + 12) : Cdb.u24(list, offset + 5);
        long capacity = unit.capacityBlocks();
        long reportedCapacity = longLba ? capacity : Math.min(capacity, 0xFFFF_FFFFL);
        if (blocks != 0 && blocks != reportedCapacity) {
            throw SenseException.invalidFieldInParameterList(offset, -1);
        }
        if (blockLength != unit.blockSize()) {
            throw SenseException.invalidFieldInParameterList(offset + (longLba ? 12 : 5), -1);
        }
    }

    /** SPC-4 §6.9: a bit that differs from the current value and is not changeable is an invalid field. */
    private static void checkOnlyChangeableFieldsDiffer(ModePage page, LogicalUnit unit, byte[] list, int offset)
            throws SenseException {
        byte[] current = page.encode(ModePage.PageControl.CURRENT, unit.modeParameters(), unit.readOnly());
        byte[] changeable = page.encode(ModePage.PageControl.CHANGEABLE, unit.modeParameters(), unit.readOnly());
        for (int i = 2; i < current.length; i++) {
            int differing = (list[offset + i] ^ current[i]) & ~changeable[i] & 0xFF;
            if (differing != 0) {
                throw SenseException.invalidFieldInParameterList(offset + i, 31 - Integer.numberOfLeadingZeros(differing));
            }
        }
    }
}
