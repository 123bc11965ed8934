package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.AllocationMap;
import io.appliance.iscsi.block.BlockDevice;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * GET LBA STATUS, service action 12h of SERVICE ACTION IN(16) — SBC-3 §5.7: LBA status
 * descriptors (Table 40) from the STARTING LOGICAL BLOCK ADDRESS on, each a run of mapped (0h) or
 * deallocated (1h) blocks, as many as the ALLOCATION LENGTH holds (at most
 * {@link #MAX_DESCRIPTORS}, at least one). The runs come from the device's
 * {@link AllocationMap} (file holes); a device without one is reported mapped to its end.
 */
final class GetLbaStatusHandler implements CommandHandler {

    static final int MAX_DESCRIPTORS = 64;
    private static final int HEADER_BYTES = 8;
    private static final int DESCRIPTOR_BYTES = 16;
    private static final int MAPPED = 0x0;
    private static final int DEALLOCATED = 0x1;
    /** NUMBER OF LOGICAL BLOCKS is a 32-bit field: longer runs are split. */
    private static final long MAX_RUN_BLOCKS = 0xFFFF_FFFFL;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        LogicalUnit unit = context.unit();
        byte[] cdb = context.cdb();
        long startLba = Cdb.u64(cdb, 2);
        long allocationLength = Cdb.u32(cdb, 10);
        long capacity = unit.capacityBlocks();
        if (startLba < 0 || startLba >= capacity) {
            throw SenseException.lbaOutOfRange(); // §5.7.1: beyond the last LBA
        }
        if (allocationLength == 0) {
            return CompletableFuture.completedFuture(ScsiResult.good());
        }
        int wanted = (int) Math.max(1, Math.min(MAX_DESCRIPTORS, (allocationLength - HEADER_BYTES) / DESCRIPTOR_BYTES));
        byte[] data = new byte[HEADER_BYTES + wanted * DESCRIPTOR_BYTES];
        Collector collector = new Collector(unit, data, wanted, capacity);
        collector.from(startLba);
        return collector.done.thenApply(count -> {
            int length = HEADER_BYTES + count * DESCRIPTOR_BYTES;
            Cdb.putInt(data, 0, length - 4); // PARAMETER DATA LENGTH: bytes after this field
            int sent = (int) Math.min(length, allocationLength);
            return ScsiResult.good(Unpooled.wrappedBuffer(data, 0, sent));
        });
    }

    /** Asks the allocation map for one run after another until the descriptors or the medium end. */
    private static final class Collector {
        private final LogicalUnit unit;
        private final byte[] data;
        private final int wanted;
        private final long capacity;
        private final CompletableFuture<Integer> done = new CompletableFuture<>();
        private int count;

        Collector(LogicalUnit unit, byte[] data, int wanted, long capacity) {
            this.unit = unit;
            this.data = data;
            this.wanted = wanted;
            this.capacity = capacity;
        }

        void from(long lba) {
            long next = lba;
            while (count < wanted && next < capacity) {
                long asked = next;
                CompletableFuture<AllocationMap.Extent> run = runAt(asked);
                if (!run.isDone()) {
                    run.whenComplete((extent, failure) -> {
                        if (failure != null) {
                            done.completeExceptionally(new CompletionException(BlockIo.readFailure(asked, failure)));
                        } else {
                            from(record(extent));
                        }
                    });
                    return;
                }
                AllocationMap.Extent extent;
                try {
                    extent = run.join();
                } catch (RuntimeException e) {
                    done.completeExceptionally(new CompletionException(BlockIo.readFailure(next, e)));
                    return;
                }
                next = record(extent);
            }
            done.complete(count);
        }

        private CompletableFuture<AllocationMap.Extent> runAt(long lba) {
            BlockDevice device = unit.device();
            int blockSize = unit.blockSize();
            long maxBytes = Math.min(capacity - lba, MAX_RUN_BLOCKS) * blockSize;
            if (device instanceof AllocationMap map) {
                try {
                    return map.extentAt(lba * blockSize, maxBytes);
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            return CompletableFuture.completedFuture(new AllocationMap.Extent(lba * blockSize, maxBytes, true));
        }

        /** Writes the descriptor for {@code extent}; returns the LBA after it. */
        private long record(AllocationMap.Extent extent) {
            int blockSize = unit.blockSize();
            long lba = extent.offset() / blockSize;
            long blocks = Math.max(1, Math.min(extent.length() / blockSize, Math.min(MAX_RUN_BLOCKS, capacity - lba)));
            boolean merge = count > 0 && provisioning(count - 1) == (extent.mapped() ? MAPPED : DEALLOCATED)
                    && Cdb.u32(data, at(count - 1) + 8) + blocks <= MAX_RUN_BLOCKS;
            if (merge) {
                Cdb.putInt(data, at(count - 1) + 8, Cdb.u32(data, at(count - 1) + 8) + blocks);
            } else {
                int at = at(count);
                Cdb.putLong(data, at, lba);
                Cdb.putInt(data, at + 8, blocks);
                data[at + 12] = (byte) (extent.mapped() ? MAPPED : DEALLOCATED);
                count++;
            }
            return lba + blocks;
        }

        private int provisioning(int index) {
            return data[at(index) + 12] & 0x0F;
        }

        private static int at(int index) {
            return HEADER_BYTES + index * DESCRIPTOR_BYTES;
        }
    }
}
