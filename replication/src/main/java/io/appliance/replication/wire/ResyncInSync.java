package io.appliance.replication.wire;

/** Answer to CsumResyncRequest: the blocks' digests match, nothing to copy. */
public record ResyncInSync(long id, long offset, int length) implements Packet {
    public ResyncInSync {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
    }

    @Override
    public Command command() {
        return Command.RESYNC_IN_SYNC;
    }
}
