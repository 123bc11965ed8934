package io.appliance.replication.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataFlagsTest {

    @Test
    void everyCombinationRoundTrips() {
        Set<MetadataFlags> seen = new HashSet<>();
        for (int bits = 0; bits <= MetadataFlags.KNOWN_BITS; bits++) {
            MetadataFlags flags = MetadataFlags.fromBits(bits);
            assertThat(flags.toBits()).isEqualTo(bits);
            seen.add(flags);
        }
        assertThat(seen).as("each bit pattern is a distinct set of facts").hasSize(256);
    }

    @Test
    void eachFlagHasItsDrbdBit() {
        MetadataFlags none = MetadataFlags.none();
        assertThat(none.toBits()).isZero();
        assertThat(none.withConsistent(true).toBits()).isEqualTo(1);
        assertThat(none.withPrimaryIndicator(true).toBits()).isEqualTo(2);
        assertThat(none.withConnectedIndicator(true).toBits()).isEqualTo(4);
        assertThat(none.withFullSync(true).toBits()).isEqualTo(8);
        assertThat(none.withWasUpToDate(true).toBits()).isEqualTo(16);
        assertThat(none.withPeerOutdated(true).toBits()).isEqualTo(32);
        assertThat(none.withCrashedPrimary(true).toBits()).isEqualTo(64);
        assertThat(none.withCleanShutdown(true).toBits()).isEqualTo(128);
    }

    @Test
    void withersChangeOneFact() {
        MetadataFlags all = MetadataFlags.fromBits(MetadataFlags.KNOWN_BITS);
        assertThat(all.withConsistent(false).consistent()).isFalse();
        assertThat(all.withConsistent(false).toBits()).isEqualTo(MetadataFlags.KNOWN_BITS & ~MetadataFlags.CONSISTENT);
        assertThat(all.withCleanShutdown(false).toBits())
            .isEqualTo(MetadataFlags.KNOWN_BITS & ~MetadataFlags.CLEAN_SHUTDOWN);
        assertThat(all.withPeerOutdated(false).peerOutdated()).isFalse();
    }

    @Test
    void unknownBitsAreRefused() {
        assertThatThrownBy(() -> MetadataFlags.fromBits(0x100 | 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unknown metadata flag bits 0x100");
        assertThatThrownBy(() -> MetadataFlags.fromBits(Integer.MIN_VALUE))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void diskStateAtAttach() {
        MetadataFlags none = MetadataFlags.none();
        assertThat(none.diskStateAtAttach()).isEqualTo(DiskState.INCONSISTENT);
        assertThat(none.withWasUpToDate(true).diskStateAtAttach()).isEqualTo(DiskState.INCONSISTENT);
        assertThat(none.withConsistent(true).diskStateAtAttach()).isEqualTo(DiskState.OUTDATED);
        assertThat(none.withConsistent(true).withWasUpToDate(true).diskStateAtAttach())
            .isEqualTo(DiskState.CONSISTENT);
    }

    @Test
    void aPrimaryIndicatorFoundAtAttachMeansACrashedPrimary() {
        MetadataFlags wasPrimary = MetadataFlags.none().withConsistent(true).withPrimaryIndicator(true);
        assertThat(wasPrimary.onAttach().crashedPrimary()).isTrue();
        assertThat(MetadataFlags.none().onAttach().crashedPrimary()).isFalse();
        MetadataFlags stillCrashed = MetadataFlags.none().withCrashedPrimary(true);
        assertThat(stillCrashed.onAttach().crashedPrimary()).isTrue();
    }
}
