package io.appliance.itest.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * A command-line iSCSI client for tests whose target lives in another network namespace: the test
 * starts it with {@code ip netns exec NS java -cp itest/target/test-classes ...}. It uses
 * {@link IscsiProbe}, so it needs nothing but the JDK.
 *
 * <pre>
 * write-sequence HOST PORT TARGET LUN RUN_ID FIRST_LBA COUNT
 *     writes {@link SequencedBlocks} 0..COUNT-1 of run RUN_ID at 4 KiB blocks FIRST_LBA.. (in units of
 *     4 KiB), one at a time with WRITE (10); prints "acked N" after each GOOD status (flushed before the
 *     next write is sent); exits 0 after all, 2 on a non-GOOD status ("failed N ..."), 3 when the
 *     connection breaks ("broken N ...").
 * read HOST PORT TARGET LUN LBA
 *     one READ (10) of one logical block; prints "status S sense-key K asc 0xAAQQ".
 * </pre>
 */
public final class IscsiBlockTool {

    private static final String INITIATOR = "iqn.2026-11.io.appliance.itest:block-tool";
    private static final int OPCODE_READ_10 = 0x28;
    private static final int OPCODE_WRITE_10 = 0x2a;
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;

    private IscsiBlockTool() {
    }

    public static void main(String[] arguments) {
        PrintStream out = System.out;
        if (arguments.length < 5) {
            out.println("usage: write-sequence|read HOST PORT TARGET LUN ...");
            System.exit(64);
        }
        IscsiEndpoint endpoint = new IscsiEndpoint(arguments[1], Integer.parseInt(arguments[2]), arguments[3],
                Integer.parseInt(arguments[4]));
        switch (arguments[0]) {
            case "write-sequence" -> System.exit(writeSequence(endpoint, Long.parseLong(arguments[5]),
                    Long.parseLong(arguments[6]), Long.parseLong(arguments[7]), out));
            case "read" -> System.exit(read(endpoint, Long.parseLong(arguments[5]), out));
            default -> {
                out.println("unknown command " + arguments[0]);
                System.exit(64);
            }
        }
    }

    private static int writeSequence(IscsiEndpoint endpoint, long runId, long firstBlock, long count, PrintStream out) {
        long sequence = 0;
        try (IscsiProbe probe = IscsiProbe.login(endpoint, INITIATOR)) {
            int logicalBlockSize = logicalBlockSize(probe);
            int perBlock = SequencedBlocks.BLOCK_SIZE / logicalBlockSize;
            for (; sequence < count; sequence++) {
                long lba = (firstBlock + sequence) * perBlock;
                IscsiProbe.CommandOutcome outcome = probe.executeWithData(cdb10(OPCODE_WRITE_10, lba, perBlock),
                        SequencedBlocks.encode(runId, sequence));
                if (outcome.status() != IscsiProbe.STATUS_GOOD) {
                    out.println("failed " + sequence + " " + outcome);
                    out.flush();
                    return 2;
                }
                out.println("acked " + sequence);
                out.flush();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            out.println("broken " + sequence + " " + e);
            out.flush();
            return 3;
        }
    }

    private static int read(IscsiEndpoint endpoint, long lba, PrintStream out) {
        try (IscsiProbe probe = IscsiProbe.login(endpoint, INITIATOR)) {
            IscsiProbe.CommandOutcome outcome = probe.execute(cdb10(OPCODE_READ_10, lba, 1), 4096);
            for (int attempt = 0; attempt < 4 && outcome.senseKey() == SENSE_KEY_UNIT_ATTENTION; attempt++) {
                outcome = probe.execute(cdb10(OPCODE_READ_10, lba, 1), 4096); // the login's unit attention first
            }
            out.printf("status %d sense-key %d asc 0x%04x%n", outcome.status(), outcome.senseKey(),
                    outcome.additionalSense() & 0xffff);
            return 0;
        } catch (IOException | RuntimeException e) {
            out.println("broken " + e);
            return 3;
        }
    }

    /** A unit attention from the fresh login comes first (SAM-5 §5.14): retried a few times. */
    static int logicalBlockSize(IscsiProbe probe) throws IOException {
        for (int attempt = 0; attempt < 4; attempt++) {
            IscsiProbe.CommandOutcome capacity = probe.readCapacity16();
            if (capacity.status() == IscsiProbe.STATUS_GOOD) {
                // SBC-3 §5.16.2: LOGICAL BLOCK LENGTH IN BYTES at bytes 8-11
                int size = ByteBuffer.wrap(capacity.data()).getInt(8);
                if (size <= 0 || SequencedBlocks.BLOCK_SIZE % size != 0) {
                    throw new IOException("logical block size " + size + " does not divide 4096");
                }
                return size;
            }
        }
        throw new IOException("READ CAPACITY (16) did not succeed");
    }

    /** SBC-3 §5.11 READ (10) / §5.35 WRITE (10): opcode, LBA at bytes 2-5, TRANSFER LENGTH at 7-8. */
    static byte[] cdb10(int opcode, long lba, int blocks) {
        ByteBuffer cdb = ByteBuffer.allocate(10);
        cdb.put(0, (byte) opcode);
        cdb.putInt(2, (int) lba);
        cdb.putShort(7, (short) blocks);
        return cdb.array();
    }
}
