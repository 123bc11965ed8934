package io.appliance.replication.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StateNamesTest {

    @Test
    void drbdWords() {
        assertThat(Arrays.stream(Role.values()).map(Role::drbdName)).containsExactly("Primary", "Secondary", "Unknown");
        assertThat(Arrays.stream(ConnectionState.values()).map(ConnectionState::drbdName))
            .containsExactly("StandAlone", "Disconnecting", "Connecting", "Connected");
        assertThat(Arrays.stream(DiskState.values()).map(DiskState::drbdName)).containsExactly("Diskless",
            "Attaching", "Failed", "Inconsistent", "Outdated", "DUnknown", "Consistent", "UpToDate");
        assertThat(Arrays.stream(ReplicationState.values()).map(ReplicationState::drbdName)).containsExactly("Off",
            "Established", "SyncSource", "SyncTarget", "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT");
    }

    @Test
    void parsesDrbdWords() {
        for (DiskState state : DiskState.values()) {
            assertThat(DiskState.fromDrbdName(state.drbdName())).isSameAs(state);
        }
        for (ReplicationState state : ReplicationState.values()) {
            assertThat(ReplicationState.fromDrbdName(state.drbdName())).isSameAs(state);
        }
        assertThat(Role.fromDrbdName("Primary")).isSameAs(Role.PRIMARY);
        assertThat(ConnectionState.fromDrbdName("StandAlone")).isSameAs(ConnectionState.STANDALONE);
        assertThatThrownBy(() -> DiskState.fromDrbdName("uptodate")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown DiskState 'uptodate'").hasMessageContaining("UpToDate");
    }

    @Test
    void diskStatesAreOrderedFromWorstToBest() {
        assertThat(DiskState.UP_TO_DATE).isGreaterThan(DiskState.CONSISTENT);
        assertThat(DiskState.OUTDATED).isGreaterThan(DiskState.INCONSISTENT);
        assertThat(DiskState.INCONSISTENT).isGreaterThan(DiskState.DISKLESS);
    }
}
