package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EXTENDED COPY(LID1) — SPC-4 §6.4 (SPC-3 §6.3): copies logical blocks between logical units of
 * this target, for VMware's XCOPY offload.
 *
 * <p>Supported: CSCD descriptors of type E4h (identification descriptor) naming a logical unit by
 * its 16-byte NAA designator as VPD page 83h reports it, resolved only among the LUNs this I_T
 * nexus may address (anything else is COPY ABORTED / COPY TARGET DEVICE NOT REACHABLE); segment
 * descriptors of type 02h (block device to block device) between units of equal block size. The
 * data moves in chunks of at most {@link #CHUNK_BYTES} through the units' block devices, each
 * write holding the destination's {@link BlockRangeLock} in shared mode like a WRITE. When source
 * and destination overlap on one unit with the destination higher, chunks go from the end so
 * that no source block is overwritten before it is read.
 *
 * <p>Parameter list errors, checked before any data moves: a PARAMETER LIST LENGTH of zero is
 * GOOD with nothing done; a list shorter than its header says, or descriptor lists longer than
 * {@link CopyManager#MAX_DESCRIPTOR_LIST_LENGTH}, is PARAMETER LIST LENGTH ERROR; too many CSCD
 * or segment descriptors is TOO MANY TARGET / SEGMENT DESCRIPTORS (26h/06h, 26h/08h); other
 * descriptor types are UNSUPPORTED TARGET / SEGMENT DESCRIPTOR TYPE CODE (26h/07h, 26h/09h);
 * inline data is not supported (INVALID FIELD IN PARAMETER LIST). Errors found while processing a
 * segment end in COPY ABORTED: an index naming no CSCD descriptor with COPY TARGET DEVICE NOT
 * REACHABLE, a block range beyond a unit's capacity with NO ADDITIONAL SENSE INFORMATION (the
 * codes libiscsi's ValidSegDescr test accepts), segments already done stay done. The LIST ID
 * USAGE 00b asks for the result to be held for RECEIVE COPY RESULTS (see {@link CopyManager}).
 */
final class ExtendedCopyHandler implements CommandHandler {

    /** The largest piece of data one read and write of a segment moves. */
    static final int CHUNK_BYTES = 1024 * 1024;

    static final int COPY_ABORTED = 0x0A;
    static final int HEADER_LENGTH = 16;
    static final int IDENTIFICATION_DESCRIPTOR = 0xE4;
    static final int IDENTIFICATION_DESCRIPTOR_LENGTH = 32;
    static final int BLOCK_TO_BLOCK = 0x02;
    static final int BLOCK_TO_BLOCK_LENGTH = 28;

    private static final int PARAMETER_LIST_LENGTH_OFFSET = 10;
    private static final int LIST_ID_USAGE_HOLD = 0;
    private static final int DESIGNATOR_TYPE_NAA = 3;
    private static final int ASSOCIATION_LOGICAL_UNIT = 0;

    private final CopyManager copies;

    ExtendedCopyHandler(CopyManager copies) {
        this.copies = copies;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        long listLength = Cdb.u32(context.cdb(), PARAMETER_LIST_LENGTH_OFFSET);
        context.transferBytes(listLength);
        if (listLength == 0) {
            // SPC-4 §6.4.1: a PARAMETER LIST LENGTH of zero is not an error; nothing is copied
            return CompletableFuture.completedFuture(ScsiResult.goodWrite(0));
        }
        ByteBuf data = context.dataOut();
        long received = data == null ? 0 : data.readableBytes();
        if (received < listLength || listLength < HEADER_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        byte[] list = new byte[(int) Math.min(listLength, HEADER_LENGTH + (long) CopyManager.MAX_DESCRIPTOR_LIST_LENGTH)];
        data.getBytes(data.readerIndex(), list);
        CopyPlan plan = parse(list, listLength, context.port());
        if (!copies.tryStart()) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x55, 0x03, "too many concurrent copies");
        }
        NexusPort port = context.port();
        if (plan.holdResults() && !copies.begin(port, plan.listId())) {
            copies.finished();
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x00, 0x16,
                    "operation in progress for list identifier " + plan.listId());
        }
        AtomicInteger segmentsDone = new AtomicInteger();
        AtomicLong bytesCopied = new AtomicLong();
        CompletableFuture<Void> copying = CompletableFuture.completedFuture(null);
        for (Segment segment : plan.segments()) {
            copying = copying.thenCompose(done -> copySegment(segment, bytesCopied))
                    .thenRun(segmentsDone::incrementAndGet);
        }
        long transferred = listLength;
        return copying.handle((done, failure) -> {
            copies.finished();
            if (plan.holdResults()) {
                int status = failure == null ? CopyManager.STATUS_COMPLETED_GOOD : CopyManager.STATUS_COMPLETED_WITH_ERROR;
                copies.record(port, plan.listId(), new CopyManager.CopyStatus(status, segmentsDone.get(), bytesCopied.get()));
            }
            if (failure != null) {
                throw new CompletionException(BlockIo.unwrap(failure));
            }
            return ScsiResult.goodWrite(transferred);
        });
    }

    /** One block→block segment, resolved and range checked. */
    private record Segment(LogicalUnit source, long sourceLba, LogicalUnit destination, long destinationLba, int blocks) {
    }

    private record CopyPlan(int listId, boolean holdResults, List<Segment> segments) {
    }

    /** Parses and checks the whole parameter list (SPC-4 Table 113) before anything is copied. */
    private static CopyPlan parse(byte[] list, long listLength, NexusPort port) throws SenseException {
        int listId = Cdb.u8(list, 0);
        int listIdUsage = (list[1] >>> 3) & 0x03;
        int targetsLength = Cdb.u16(list, 2);
        long segmentsLength = Cdb.u32(list, 8);
        long inlineLength = Cdb.u32(list, 12);
        if (targetsLength + segmentsLength > CopyManager.MAX_DESCRIPTOR_LIST_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        if (HEADER_LENGTH + targetsLength + segmentsLength + inlineLength > listLength) {
            throw SenseException.parameterListLengthError();
        }
        if (inlineLength != 0) {
            throw SenseException.invalidFieldInParameterList(12, -1);
        }
        if (targetsLength % IDENTIFICATION_DESCRIPTOR_LENGTH != 0) {
            throw SenseException.invalidFieldInParameterList(2, -1);
        }
        int targetCount = targetsLength / IDENTIFICATION_DESCRIPTOR_LENGTH;
        if (targetCount > CopyManager.MAX_TARGET_DESCRIPTORS) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x26, 0x06, "too many target descriptors");
        }
        int segmentsStart = HEADER_LENGTH + targetsLength;
        int segmentsEnd = segmentsStart + (int) segmentsLength;
        List<Integer> segmentOffsets = new ArrayList<>();
        for (int offset = segmentsStart; offset < segmentsEnd; ) {
            if (offset + 4 > segmentsEnd) {
                throw SenseException.parameterListLengthError();
            }
            segmentOffsets.add(offset);
            offset += 4 + Cdb.u16(list, offset + 2);
            if (offset > segmentsEnd) {
                throw SenseException.parameterListLengthError();
            }
        }
        if (segmentOffsets.size() > CopyManager.MAX_SEGMENT_DESCRIPTORS) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x26, 0x08, "too many segment descriptors");
        }
        LogicalUnit[] targets = new LogicalUnit[targetCount];
        for (int i = 0; i < targetCount; i++) {
            targets[i] = resolveTarget(list, HEADER_LENGTH + i * IDENTIFICATION_DESCRIPTOR_LENGTH, port);
        }
        List<Segment> segments = new ArrayList<>(segmentOffsets.size());
        for (int offset : segmentOffsets) {
            segments.add(segment(list, offset, targets));
        }
        return new CopyPlan(listId, listIdUsage == LIST_ID_USAGE_HOLD, segments);
    }

    /**
     * An identification CSCD descriptor (SPC-4 §6.4.5.6): the NAA designator of a unit this nexus
     * may address. LU ID TYPE and NUL are ignored as SPC-4 allows; the peripheral device type must
     * be 00h (block) and the DISK BLOCK LENGTH that unit's block size.
     */
    private static LogicalUnit resolveTarget(byte[] list, int offset, NexusPort port) throws SenseException {
        if ((list[offset] & 0xFF) != IDENTIFICATION_DESCRIPTOR) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x26, 0x07,
                    "unsupported target descriptor type code " + (list[offset] & 0xFF));
        }
        if ((list[offset + 1] & 0x1F) != 0) {
            throw SenseException.invalidFieldInParameterList(offset + 1, 4);
        }
        int association = (list[offset + 5] >>> 4) & 0x03;
        int designatorType = list[offset + 5] & 0x0F;
        int designatorLength = Cdb.u8(list, offset + 7);
        if (designatorLength > 20) {
            throw SenseException.invalidFieldInParameterList(offset + 7, -1);
        }
        byte[] designator = Arrays.copyOfRange(list, offset + 8, offset + 8 + designatorLength);
        LogicalUnit unit = null;
        if (association == ASSOCIATION_LOGICAL_UNIT && designatorType == DESIGNATOR_TYPE_NAA) {
            unit = findByNaa(port, designator);
        }
        if (unit == null) {
            throw copyTargetNotReachable("no logical unit of this nexus has the designator of CSCD descriptor at byte " + offset);
        }
        int diskBlockLength = Cdb.u24(list, offset + 29);
        if (diskBlockLength != unit.blockSize()) {
            throw SenseException.invalidFieldInParameterList(offset + 29, -1);
        }
        return unit;
    }

    private static LogicalUnit findByNaa(NexusPort port, byte[] designator) {
        for (int lun : port.visibleLuns()) {
            LogicalUnit unit = port.visibleUnit(lun);
            if (unit != null && Arrays.equals(unit.identity().naaIdentifier(), designator)) {
                return unit;
            }
        }
        return null;
    }

    /** A block→block segment descriptor (SPC-4 §6.4.6.5). */
    private static Segment segment(byte[] list, int offset, LogicalUnit[] targets) throws SenseException {
        if ((list[offset] & 0xFF) != BLOCK_TO_BLOCK) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x26, 0x09,
                    "unsupported segment descriptor type code " + (list[offset] & 0xFF));
        }
        if (Cdb.u16(list, offset + 2) != BLOCK_TO_BLOCK_LENGTH - 4) {
            throw SenseException.invalidFieldInParameterList(offset + 2, -1);
        }
        int sourceIndex = Cdb.u16(list, offset + 4);
        int destinationIndex = Cdb.u16(list, offset + 6);
        if (sourceIndex >= targets.length || destinationIndex >= targets.length) {
            throw copyTargetNotReachable("segment descriptor at byte " + offset + " names no CSCD descriptor");
        }
        LogicalUnit source = targets[sourceIndex];
        LogicalUnit destination = targets[destinationIndex];
        if (source.blockSize() != destination.blockSize()) {
            throw SenseException.invalidFieldInParameterList(offset + 1, 1);
        }
        int blocks = Cdb.u16(list, offset + 10);
        long sourceLba = Cdb.u64(list, offset + 12);
        long destinationLba = Cdb.u64(list, offset + 20);
        if (!fits(source, sourceLba, blocks) || !fits(destination, destinationLba, blocks)) {
            throw SenseException.of(COPY_ABORTED, 0x00, 0x00, "segment at byte " + offset + " beyond a unit's capacity");
        }
        if (blocks > 0 && destination.readOnly()) {
            throw SenseException.writeProtected();
        }
        return new Segment(source, sourceLba, destination, destinationLba, blocks);
    }

    private static boolean fits(LogicalUnit unit, long lba, long blocks) {
        long capacity = unit.capacityBlocks();
        return lba >= 0 && lba <= capacity && blocks <= capacity - lba;
    }

    private static SenseException copyTargetNotReachable(String message) {
        return SenseException.of(COPY_ABORTED, 0x0D, 0x02, message);
    }

    /** Copies one segment chunk by chunk, sequentially; only starts I/O. */
    private static CompletableFuture<Void> copySegment(Segment segment, AtomicLong bytesCopied) {
        int blockSize = segment.source().blockSize();
        int chunkBlocks = CHUNK_BYTES / blockSize;
        boolean backwards = segment.source() == segment.destination()
                && segment.destinationLba() > segment.sourceLba()
                && segment.destinationLba() < segment.sourceLba() + segment.blocks();
        List<long[]> chunks = new ArrayList<>();
        for (long done = 0; done < segment.blocks(); done += chunkBlocks) {
            chunks.add(new long[] {done, Math.min(chunkBlocks, segment.blocks() - done)});
        }
        if (backwards) {
            Collections.reverse(chunks);
        }
        CompletableFuture<Void> copying = CompletableFuture.completedFuture(null);
        for (long[] chunk : chunks) {
            copying = copying.thenCompose(done -> copyChunk(segment, chunk[0], chunk[1]))
                    .thenRun(() -> bytesCopied.addAndGet(chunk[1] * blockSize));
        }
        return copying;
    }

    private static CompletableFuture<Void> copyChunk(Segment segment, long skip, long blocks) {
        LogicalUnit destination = segment.destination();
        long destinationLba = segment.destinationLba() + skip;
        return BlockIo.read(segment.source(), segment.sourceLba() + skip, blocks).thenCompose(chunk -> {
            CompletableFuture<Void> written;
            try {
                ByteBuffer bytes = chunk.nioBuffer(chunk.readerIndex(), chunk.readableBytes());
                // SBC-3 §4.15: with the write cache off every write is durable before it completes
                boolean forceUnitAccess = !destination.modeParameters().writeCacheEnabled();
                written = destination.rangeLock().shared(destinationLba, blocks,
                        () -> destination.device().write(destinationLba * destination.blockSize(), bytes, forceUnitAccess));
            } catch (RuntimeException e) {
                chunk.release();
                throw e;
            }
            return written.handle((done, failure) -> {
                chunk.release();
                if (failure != null) {
                    throw new CompletionException(BlockIo.writeFailure(destinationLba, failure));
                }
                return null;
            });
        });
    }
}
