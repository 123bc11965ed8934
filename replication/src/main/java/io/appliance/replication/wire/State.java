package io.appliance.replication.wire;

import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.util.Objects;

/** The sender's role, disk and replication state, and its promotion epoch; sent in the handshake and on every change. */
public record State(Role role, DiskState disk, ReplicationState replication, long epoch) implements Packet {
    public State {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(replication, "replication");
        FieldChecks.nonNegative(epoch, "epoch");
    }

    @Override
    public Command command() {
        return Command.STATE;
    }
}
