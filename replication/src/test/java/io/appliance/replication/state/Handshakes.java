package io.appliance.replication.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.ResourceOptions;

/** Test helpers: views of the two nodes and the check that both nodes reach mirrored decisions. */
final class Handshakes {

    static final long X = 0x1000;
    static final long Y = 0x2000;
    static final long Z = 0x3000;
    static final long W = 0x4000;
    static final long V = 0x5000;

    private Handshakes() {
    }

    static DiskView view(String name, GenerationIds ids) {
        return new DiskView(ids, DiskState.UP_TO_DATE, Role.SECONDARY, false, 0, false, name);
    }

    static DiskView withDisk(DiskView v, DiskState disk) {
        return new DiskView(v.ids(), disk, v.role(), v.crashedPrimary(), v.outOfSyncBlocks(), v.discardMyData(),
            v.nodeName());
    }

    static DiskView withRole(DiskView v, Role role) {
        return new DiskView(v.ids(), v.disk(), role, v.crashedPrimary(), v.outOfSyncBlocks(), v.discardMyData(),
            v.nodeName());
    }

    static DiskView crashed(DiskView v) {
        return new DiskView(v.ids(), v.disk(), v.role(), true, v.outOfSyncBlocks(), v.discardMyData(), v.nodeName());
    }

    static DiskView changed(DiskView v, long blocks) {
        return new DiskView(v.ids(), v.disk(), v.role(), v.crashedPrimary(), blocks, v.discardMyData(), v.nodeName());
    }

    static DiskView discarding(DiskView v) {
        return new DiskView(v.ids(), v.disk(), v.role(), v.crashedPrimary(), v.outOfSyncBlocks(), true, v.nodeName());
    }

    static GenerationIds ids(long current, long bitmap, long history1, long history2) {
        return new GenerationIds(current, bitmap, history1, history2);
    }

    /** Decides from both sides, asserts the answers mirror each other, returns node a's answer. */
    static SyncDecision decideBothWays(ResourceOptions options, DiskView a, DiskView b) {
        SyncHandshake handshake = new SyncHandshake(options);
        SyncDecision ab = handshake.decide(a, b);
        SyncDecision ba = handshake.decide(b, a);
        assertMirrored(ab, ba);
        return ab;
    }

    static SyncDecision decideBothWays(DiskView a, DiskView b) {
        return decideBothWays(ResourceOptions.defaults(), a, b);
    }

    static void assertMirrored(SyncDecision ab, SyncDecision ba) {
        assertThat(ba.rule()).as("rule of the mirrored decision %s / %s", ab, ba)
            .isEqualTo(SyncHandshake.mirroredRule(ab.rule()));
        assertThat(ba.explanation()).as("both nodes log the same explanation").isEqualTo(ab.explanation());
        if (ab instanceof SyncDecision.BecomeSyncSource source) {
            assertThat(ba).isInstanceOfSatisfying(SyncDecision.BecomeSyncTarget.class,
                target -> assertThat(target.fullSync()).isEqualTo(source.fullSync()));
        } else if (ab instanceof SyncDecision.BecomeSyncTarget target) {
            assertThat(ba).isInstanceOfSatisfying(SyncDecision.BecomeSyncSource.class,
                source -> assertThat(source.fullSync()).isEqualTo(target.fullSync()));
        } else if (ab instanceof SyncDecision.SplitBrain splitBrain) {
            assertThat(ba).isInstanceOfSatisfying(SyncDecision.SplitBrain.class,
                other -> assertThat(other.autoResolved()).isEqualTo(splitBrain.autoResolved()));
        } else {
            assertThat(ba).hasSameClassAs(ab);
        }
    }
}
