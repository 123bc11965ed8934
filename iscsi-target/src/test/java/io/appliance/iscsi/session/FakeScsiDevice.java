package io.appliance.iscsi.session;

import io.appliance.iscsi.scsi.ItNexus;
import io.appliance.iscsi.scsi.ScsiCommand;
import io.appliance.iscsi.scsi.ScsiNexusPort;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.scsi.ScsiTargetDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory SCSI target device for transport tests: LUNs 0 and 1 of 1 MiB with 512-byte
 * blocks, READ(10)/WRITE(10)/TEST UNIT READY emulated, every command recorded. Completions run on
 * a thread of their own (as the real SCSI layer's do); with {@link #hold} they wait until the test
 * completes them.
 */
public final class FakeScsiDevice implements ScsiTargetDevice, AutoCloseable {

    public static final int BLOCK_SIZE = 512;
    public static final int LUN_SIZE = 1 << 20;

    /** One command as the SCSI layer saw it, its write data copied. */
    public record Execution(ItNexus nexus, long lun, byte[] cdb, long taskTag, int expectedDataInLength,
                            byte[] dataOut, CompletableFuture<ScsiResult> result) {

        public int opcode() {
            return cdb[0] & 0xFF;
        }

        /** Completes a held command with the default emulation. */
        public void completeNormally(FakeScsiDevice device) {
            result.complete(device.emulate(this));
        }
    }

    private final Map<Long, byte[]> luns = new ConcurrentHashMap<>();
    private final BlockingQueue<Execution> executions = new LinkedBlockingQueue<>();
    private final List<Execution> history = new CopyOnWriteArrayList<>();
    private final List<ItNexus> nexuses = new CopyOnWriteArrayList<>();
    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "fake-scsi");
        thread.setDaemon(true);
        return thread;
    });
    public final AtomicInteger logicalUnitResets = new AtomicInteger();
    public final AtomicInteger targetResets = new AtomicInteger();
    public volatile boolean hold;
    /** The task set aborters the sessions registered on their ports, in registration order. */
    public final List<ScsiNexusPort.TaskSetAborter> aborters = new CopyOnWriteArrayList<>();
    public volatile Function<Execution, ScsiResult> responder = this::emulate;

    public FakeScsiDevice() {
        luns.put(0L, new byte[LUN_SIZE]);
        luns.put(1L, new byte[LUN_SIZE]);
    }

    public byte[] lun(long lun) {
        return luns.get(lun);
    }

    public List<Execution> history() {
        return history;
    }

    public List<ItNexus> nexuses() {
        return nexuses;
    }

    /** The next command that reached the SCSI layer, waiting at most {@code limit}. */
    public Execution nextExecution(Duration limit) throws InterruptedException {
        return executions.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ScsiNexusPort openNexus(ItNexus nexus, Map<Integer, Integer> lunMapping) {
        nexuses.add(nexus);
        return new ScsiNexusPort() {
            @Override
            public ItNexus nexus() {
                return nexus;
            }

            @Override
            public CompletableFuture<ScsiResult> execute(ScsiCommand command) {
                byte[] data = command.dataOut() == null ? null : ByteBufUtil.getBytes(command.dataOut());
                Execution execution = new Execution(nexus, command.lun(), command.cdb().clone(), command.taskTag(),
                        command.expectedDataInLength(), data, new CompletableFuture<>());
                history.add(execution);
                executions.add(execution);
                if (!hold) {
                    completions.execute(() -> execution.result().complete(responder.apply(execution)));
                }
                return execution.result();
            }

            @Override
            public boolean hasLun(long lun) {
                return luns.containsKey(lun);
            }

            @Override
            public void registerTaskSetAborter(TaskSetAborter aborter) {
                aborters.add(aborter);
            }

            @Override
            public CompletableFuture<TaskManagementResult> logicalUnitReset(long lun) {
                logicalUnitResets.incrementAndGet();
                return CompletableFuture.completedFuture(TaskManagementResult.FUNCTION_COMPLETE);
            }

            @Override
            public CompletableFuture<TaskManagementResult> targetReset() {
                targetResets.incrementAndGet();
                return CompletableFuture.completedFuture(TaskManagementResult.FUNCTION_COMPLETE);
            }
        };
    }

    /** TEST UNIT READY, READ(10), WRITE(10); anything else is ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE. */
    public ScsiResult emulate(Execution execution) {
        byte[] storage = luns.get(execution.lun());
        if (storage == null) {
            return ScsiResult.checkCondition(sense(0x05, 0x25));
        }
        byte[] cdb = execution.cdb();
        switch (execution.opcode()) {
            case 0x00:
                return ScsiResult.good();
            case 0x28: {
                int offset = lba(cdb) * BLOCK_SIZE;
                int length = blocks(cdb) * BLOCK_SIZE;
                ByteBuf data = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                data.writeBytes(storage, offset, length);
                return ScsiResult.good(data);
            }
            case 0x2a: {
                int offset = lba(cdb) * BLOCK_SIZE;
                int length = blocks(cdb) * BLOCK_SIZE;
                byte[] data = execution.dataOut() == null ? new byte[0] : execution.dataOut();
                System.arraycopy(data, 0, storage, offset, Math.min(length, data.length));
                return ScsiResult.goodWrite(Math.min(length, data.length));
            }
            default:
                return ScsiResult.checkCondition(sense(0x05, 0x20));
        }
    }

    public static byte[] sense(int key, int asc) {
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = (byte) key;
        sense[7] = 10;
        sense[12] = (byte) asc;
        return sense;
    }

    private static int lba(byte[] cdb) {
        return (cdb[2] & 0xFF) << 24 | (cdb[3] & 0xFF) << 16 | (cdb[4] & 0xFF) << 8 | (cdb[5] & 0xFF);
    }

    private static int blocks(byte[] cdb) {
        return (cdb[7] & 0xFF) << 8 | (cdb[8] & 0xFF);
    }

    public static byte[] read10(int lba, int blocks) {
        return new byte[] {0x28, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0,
                (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    public static byte[] write10(int lba, int blocks) {
        byte[] cdb = read10(lba, blocks);
        cdb[0] = 0x2a;
        return cdb;
    }

    public static byte[] testUnitReady() {
        return new byte[6];
    }

    @Override
    public void close() {
        completions.shutdownNow();
    }
}
