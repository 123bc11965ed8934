package io.appliance.itest.harness;

import java.io.IOException;

/**
 * A command-line probe run in a client namespace: logs in to {@code HOST:PORT}, writes sequenced
 * block {@code SEQUENCE} of {@code RUN_ID} ({@link SequencedBlocks}) at 4 KiB block {@code BLOCK} of
 * the LUN with WRITE (10), reads it back with READ (10) and exits 0 when the read returned it whole;
 * 2 on a non-GOOD status, 3 when the target cannot be reached or the session breaks. The unit
 * attention of a fresh login (SAM-5 §5.14) is retried a few times.
 *
 * <pre>VipWriteReadProbe HOST PORT TARGET LUN BLOCK RUN_ID SEQUENCE</pre>
 */
public final class VipWriteReadProbe {

    private static final String INITIATOR = "iqn.2026-11.io.appliance.itest:vip-probe";
    private static final int OPCODE_READ_10 = 0x28;
    private static final int OPCODE_WRITE_10 = 0x2a;
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;
    private static final int ATTEMPTS = 4;

    private VipWriteReadProbe() {
    }

    public static void main(String[] arguments) {
        if (arguments.length != 7) {
            System.out.println("usage: HOST PORT TARGET LUN BLOCK RUN_ID SEQUENCE");
            System.exit(64);
        }
        IscsiEndpoint endpoint = new IscsiEndpoint(arguments[0], Integer.parseInt(arguments[1]), arguments[2],
                Integer.parseInt(arguments[3]));
        long block = Long.parseLong(arguments[4]);
        long runId = Long.parseLong(arguments[5]);
        long sequence = Long.parseLong(arguments[6]);
        try (IscsiProbe probe = IscsiProbe.login(endpoint, INITIATOR)) {
            int perBlock = SequencedBlocks.BLOCK_SIZE / IscsiBlockTool.logicalBlockSize(probe);
            byte[] data = SequencedBlocks.encode(runId, sequence);
            IscsiProbe.CommandOutcome written = null;
            for (int attempt = 0; attempt < ATTEMPTS && (written == null || written.senseKey() == SENSE_KEY_UNIT_ATTENTION);
                    attempt++) {
                written = probe.executeWithData(IscsiBlockTool.cdb10(OPCODE_WRITE_10, block * perBlock, perBlock), data);
            }
            if (written.status() != IscsiProbe.STATUS_GOOD) {
                System.out.println("write failed " + written);
                System.exit(2);
            }
            IscsiProbe.CommandOutcome read = probe.execute(IscsiBlockTool.cdb10(OPCODE_READ_10, block * perBlock, perBlock),
                    SequencedBlocks.BLOCK_SIZE);
            if (read.status() != IscsiProbe.STATUS_GOOD || !SequencedBlocks.holds(read.data(), runId, sequence)) {
                System.out.println("read-back failed " + read);
                System.exit(2);
            }
            System.out.println("ok");
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            System.out.println("broken " + e);
            System.exit(3);
        }
    }
}
