package io.appliance.replication.wire;

import io.appliance.replication.state.GenerationIds;
import java.util.Objects;

/** SyncSource to SyncTarget: every block was sent; the target adopts {@code sourceIds} (GenerationIds.adoptFrom). */
public record ResyncFinished(GenerationIds sourceIds) implements Packet {
    public ResyncFinished {
        Objects.requireNonNull(sourceIds, "sourceIds");
    }

    @Override
    public Command command() {
        return Command.RESYNC_FINISHED;
    }
}
