package io.appliance.replication.wire;

/** VerifyS to VerifyT: online verify ended; {@code outOfSyncBlocks} 4 KiB blocks were found different. */
public record VerifyDone(long outOfSyncBlocks) implements Packet {
    public VerifyDone {
        FieldChecks.nonNegative(outOfSyncBlocks, "outOfSyncBlocks");
    }

    @Override
    public Command command() {
        return Command.VERIFY_DONE;
    }
}
