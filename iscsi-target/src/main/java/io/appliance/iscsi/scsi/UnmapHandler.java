package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * UNMAP — SBC-3 §5.28: deallocates the ranges of the block descriptors in the parameter list
 * (Table 99/100). Every descriptor is checked before anything is deallocated, so a bad list
 * changes nothing. ANCHOR is refused by the CDB usage check (ANC_SUP 0). On a unit that is not
 * thin provisioned (LBPU 0) the command is accepted and deallocates nothing.
 */
final class UnmapHandler implements CommandHandler {

    private static final int HEADER_BYTES = 8;
    private static final int DESCRIPTOR_BYTES = 16;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        int parameterListLength = Cdb.u16(cdb, 7);
        context.transferBytes(parameterListLength);
        if (unit.readOnly()) {
            throw SenseException.writeProtected();
        }
        if (parameterListLength == 0) {
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(0)); // §5.28.1: not an error
        }
        ByteBuf data = context.dataOut();
        int received = data == null ? 0 : Math.min(data.readableBytes(), parameterListLength);
        if (parameterListLength < HEADER_BYTES || received < HEADER_BYTES) {
            throw SenseException.parameterListLengthError(); // §5.28.1: list shorter than its header
        }
        List<long[]> ranges = parse(unit, data, data.readerIndex(), received);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        if (ThinProvisioning.enabled(unit)) {
            for (long[] range : ranges) {
                chain = chain.thenCompose(done -> discard(unit, range[0], range[1]));
            }
        }
        return chain.thenApply(done -> ScsiResult.goodWrite(parameterListLength));
    }

    /**
     * The non-empty ranges ({lba, blocks}) of the descriptors the list holds, after checking the
     * limits of the Block Limits VPD page and the capacity (SBC-3 §5.28.1).
     */
    private static List<long[]> parse(LogicalUnit unit, ByteBuf data, int base, int received)
            throws SenseException {
        int descriptorBytes = data.getUnsignedShort(base + 2);
        // §5.28.2: a BLOCK DESCRIPTOR DATA LENGTH that is not a multiple of 16 leaves the remainder ignored
        int usable = Math.min(descriptorBytes, received - HEADER_BYTES);
        int count = usable / DESCRIPTOR_BYTES;
        if (count > ThinProvisioning.MAX_UNMAP_DESCRIPTORS) {
            throw SenseException.invalidFieldInParameterList(2, -1);
        }
        List<long[]> ranges = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            int at = base + HEADER_BYTES + i * DESCRIPTOR_BYTES;
            long lba = data.getLong(at);
            long blocks = data.getUnsignedInt(at + 8);
            BlockIo.checkRange(unit, lba, blocks);
            total += blocks;
            if (blocks > ThinProvisioning.MAX_UNMAP_BLOCKS || total > ThinProvisioning.MAX_UNMAP_BLOCKS) {
                // §5.28.1: more than MAXIMUM UNMAP LBA COUNT
                throw SenseException.invalidFieldInParameterList(HEADER_BYTES + i * DESCRIPTOR_BYTES + 8, -1);
            }
            if (blocks > 0) {
                ranges.add(new long[] {lba, blocks});
            }
        }
        return ranges;
    }

    /** Deallocates one range under the shared range lock (a read-modify-write never sees it half done). */
    static CompletableFuture<Void> discard(LogicalUnit unit, long lba, long blocks) {
        int blockSize = unit.blockSize();
        return unit.rangeLock()
                .shared(lba, blocks, () -> unit.device().discard(lba * blockSize, blocks * blockSize))
                .handle((done, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(BlockIo.writeFailure(lba, failure));
                    }
                    return null;
                });
    }
}
