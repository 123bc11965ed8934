package io.appliance.replication.wire;

import io.appliance.replication.state.GenerationIds;
import java.util.Objects;

/**
 * The sender's generation identifiers and what the sync handshake needs besides them.
 *
 * @param outOfSyncBlocks bits set in the sender's bitmap
 * @param flags           {@link #CRASHED_PRIMARY} | {@link #DISCARD_MY_DATA}; other bits must be 0
 */
public record Uuids(GenerationIds ids, long outOfSyncBlocks, int flags) implements Packet {

    /** The sender was Primary when it stopped uncleanly. */
    public static final int CRASHED_PRIMARY = 1;
    /** The sender was connected with --discard-my-data: it is the split-brain victim. */
    public static final int DISCARD_MY_DATA = 2;

    static final int KNOWN_FLAGS = CRASHED_PRIMARY | DISCARD_MY_DATA;

    public Uuids {
        Objects.requireNonNull(ids, "ids");
        FieldChecks.nonNegative(outOfSyncBlocks, "outOfSyncBlocks");
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown uuid flags 0x" + Integer.toHexString(flags));
        }
    }

    public static Uuids of(GenerationIds ids, long outOfSyncBlocks, boolean crashedPrimary, boolean discardMyData) {
        return new Uuids(ids, outOfSyncBlocks, (crashedPrimary ? CRASHED_PRIMARY : 0) | (discardMyData ? DISCARD_MY_DATA : 0));
    }

    public boolean crashedPrimary() {
        return (flags & CRASHED_PRIMARY) != 0;
    }

    public boolean discardMyData() {
        return (flags & DISCARD_MY_DATA) != 0;
    }

    @Override
    public Command command() {
        return Command.UUIDS;
    }
}
