package io.appliance.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.Score;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminStateTest {

    private static final LocationConstraint PREFER_D_NODE1 =
            new LocationConstraint("cli-prefer-d", "d", "node1", Score.INFINITY);
    private static final LocationConstraint PREFER_D_NODE2 =
            new LocationConstraint("cli-prefer-d", "d", "node2", Score.INFINITY);
    private static final LocationConstraint BAN_D_NODE1 =
            new LocationConstraint("cli-ban-d-on-node1", "d", "node1", Score.MINUS_INFINITY);
    private static final LocationConstraint BAN_E_NODE1 =
            new LocationConstraint("cli-ban-e-on-node1", "e", "node1", Score.MINUS_INFINITY);

    @Test
    void initialIsVersionZeroWithNothingSet() {
        AdminState initial = AdminState.initial();
        assertThat(initial.version()).isZero();
        assertThat(initial.standbyNodes()).isEmpty();
        assertThat(initial.cliConstraints()).isEmpty();
        assertThat(initial.maintenanceMode()).isFalse();
    }

    @Test
    void everyChangeIncrementsTheVersion() {
        AdminState state = AdminState.initial()
                .withStandby("node1", true)
                .withCliConstraint(BAN_D_NODE1)
                .withMaintenance(true)
                .withoutCliConstraints("d");
        assertThat(state.version()).isEqualTo(4);
        assertThat(state.standbyNodes()).containsExactly("node1");
        assertThat(state.cliConstraints()).isEmpty();
        assertThat(state.maintenanceMode()).isTrue();
    }

    @Test
    void standbyOnAndOff() {
        AdminState state = AdminState.initial().withStandby("node1", true).withStandby("node2", true)
                .withStandby("node1", false);
        assertThat(state.standbyNodes()).containsExactly("node2");
        assertThat(state.withMaintenance(false).maintenanceMode()).isFalse();
    }

    @Test
    void aCliConstraintWithTheSameIdIsReplaced() {
        AdminState state = AdminState.initial().withCliConstraint(PREFER_D_NODE1).withCliConstraint(BAN_E_NODE1)
                .withCliConstraint(PREFER_D_NODE2);
        assertThat(state.cliConstraints()).containsExactly(BAN_E_NODE1, PREFER_D_NODE2);
    }

    @Test
    void clearRemovesEveryCliConstraintOfOneResourceOnly() {
        AdminState state = AdminState.initial().withCliConstraint(PREFER_D_NODE1).withCliConstraint(BAN_D_NODE1)
                .withCliConstraint(BAN_E_NODE1).withoutCliConstraints("d");
        assertThat(state.cliConstraints()).containsExactly(BAN_E_NODE1);
    }

    @Test
    void isImmutable() {
        AdminState state = new AdminState(3, Set.of("node1"), List.of(BAN_D_NODE1), false);
        assertThatThrownBy(() -> state.standbyNodes().add("node2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.cliConstraints().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new AdminState(-1, Set.of(), List.of(), false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
