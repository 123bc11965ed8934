package io.appliance.replication.state;

import static io.appliance.replication.state.Handshakes.V;
import static io.appliance.replication.state.Handshakes.W;
import static io.appliance.replication.state.Handshakes.X;
import static io.appliance.replication.state.Handshakes.Y;
import static io.appliance.replication.state.Handshakes.Z;
import static io.appliance.replication.state.Handshakes.crashed;
import static io.appliance.replication.state.Handshakes.decideBothWays;
import static io.appliance.replication.state.Handshakes.ids;
import static io.appliance.replication.state.Handshakes.view;
import static io.appliance.replication.state.Handshakes.withDisk;
import static io.appliance.replication.state.Handshakes.withRole;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per rule of the generation-identifier comparison and per disk-state step, checked from both nodes. */
class SyncHandshakeRulesTest {

    private static final DiskState UP = DiskState.UP_TO_DATE;
    private static final DiskState INC = DiskState.INCONSISTENT;

    /** Expected answer of node1 (view a). */
    enum Expect {
        NO_SYNC, SOURCE_BITMAP, SOURCE_FULL, TARGET_BITMAP, TARGET_FULL, SPLIT_BRAIN, UNRELATED, PRIMARY_CONFLICT
    }

    static Stream<Arguments> cases() {
        GenerationIds fresh = GenerationIds.justCreated();
        return Stream.of(
            c("10 both just created", v1(fresh, INC), v2(fresh, INC), Expect.NO_SYNC, 10),
            c("20 self just created", v1(fresh, INC), v2(ids(X, 0, 0, 0), UP), Expect.TARGET_FULL, 20),
            c("20 self without any current", v1(ids(0, 0, 0, 0), INC), v2(ids(X, 0, 0, 0), UP), Expect.TARGET_FULL, 20),
            c("30 peer just created", v1(ids(X, 0, 0, 0), UP), v2(fresh, INC), Expect.SOURCE_FULL, 30),
            c("34 self kept the bitmap uuid of a finished resync", v1(ids(X, Y, 0, 0), UP), v2(ids(X, 0, Y, 0), UP),
                Expect.SOURCE_BITMAP, 34),
            c("35 peer kept the bitmap uuid of a finished resync", v1(ids(X, 0, Y, 0), UP), v2(ids(X, Y, 0, 0), UP),
                Expect.TARGET_BITMAP, 35),
            c("40 same generation", v1(ids(X, 0, Y, 0), UP), v2(ids(X, 0, Y, 0), UP), Expect.NO_SYNC, 40),
            c("40 flag bit is not part of the generation", v1(ids(X | 1, 0, Y, 0), UP), v2(ids(X, 0, Y | 1, 0), UP),
                Expect.NO_SYNC, 40),
            c("40 self crashed while primary", crashed(v1(ids(X, 0, 0, 0), UP)), v2(ids(X, 0, 0, 0), UP),
                Expect.SOURCE_BITMAP, 40),
            c("40 peer crashed while primary", v1(ids(X, 0, 0, 0), UP), crashed(v2(ids(X, 0, 0, 0), UP)),
                Expect.TARGET_BITMAP, 40),
            c("40 both crashed: node2 sorts higher and loses", crashed(v1(ids(X, 0, 0, 0), UP)),
                crashed(v2(ids(X, 0, 0, 0), UP)), Expect.SOURCE_BITMAP, 40),
            c("50 peer wrote since our current", v1(ids(X, 0, 0, 0), UP), v2(ids(Y, X, 0, 0), UP),
                Expect.TARGET_BITMAP, 50),
            c("50 outdated node behind", v1(ids(X, 0, 0, 0), DiskState.OUTDATED), v2(ids(Y, X, 0, 0), UP),
                Expect.TARGET_BITMAP, 50),
            c("70 we wrote since the peer's current", v1(ids(Y, X, 0, 0), UP), v2(ids(X, 0, 0, 0), UP),
                Expect.SOURCE_BITMAP, 70),
            c("60 our current is in the peer's history", v1(ids(X, 0, 0, 0), UP), v2(ids(Y, 0, X, 0), UP),
                Expect.TARGET_FULL, 60),
            c("60 history2 counts too", v1(ids(X, 0, 0, 0), UP), v2(ids(Y, 0, Z, X), UP), Expect.TARGET_FULL, 60),
            c("80 the peer's current is in our history", v1(ids(Y, 0, X, 0), UP), v2(ids(X, 0, 0, 0), UP),
                Expect.SOURCE_FULL, 80),
            c("90 both wrote since the same generation", v1(ids(Y, X, 0, 0), UP), v2(ids(Z, X, 0, 0), UP),
                Expect.SPLIT_BRAIN, 90),
            c("100 histories meet", v1(ids(Y, W, X, 0), UP), v2(ids(Z, V, X, 0), UP), Expect.SPLIT_BRAIN, 100),
            c("100 a bitmap in the other's history", v1(ids(Y, X, 0, 0), UP), v2(ids(Z, W, X, 0), UP),
                Expect.SPLIT_BRAIN, 100),
            c("110 nothing in common", v1(ids(Y, W, 0, 0), UP), v2(ids(Z, V, 0, 0), UP), Expect.UNRELATED, 110),
            c("110 both forced from blank metadata are unrelated",
                v1(ids(Y, GenerationIds.JUST_CREATED, 0, 0), UP), v2(ids(Z, GenerationIds.JUST_CREATED, 0, 0), UP),
                Expect.UNRELATED, 110),
            c("110 contradicting identifiers", v1(ids(Y, X, 0, 0), UP), v2(ids(X, Y, 0, 0), UP), Expect.UNRELATED, 110),
            c("110 unrelated stays unrelated with an Inconsistent side", v1(ids(Y, W, 0, 0), INC),
                v2(ids(Z, V, 0, 0), UP), Expect.UNRELATED, 110),
            c("1 diskless self", v1(ids(X, 0, 0, 0), DiskState.DISKLESS), v2(ids(Y, X, 0, 0), UP), Expect.NO_SYNC, 1),
            c("1 failed peer", v1(ids(X, 0, 0, 0), UP), v2(ids(Y, X, 0, 0), DiskState.FAILED), Expect.NO_SYNC, 1),
            c("disk states: Inconsistent at the same generation gets a full sync", v1(ids(X, 0, 0, 0), INC),
                v2(ids(X, 0, 0, 0), UP), Expect.TARGET_FULL, 40),
            c("disk states: agreeing bitmap resync stays bitmap", v1(ids(X, 0, 0, 0), INC), v2(ids(Y, X, 0, 0), UP),
                Expect.TARGET_BITMAP, 50),
            c("disk states: reversed direction needs a full sync", v1(ids(Y, X, 0, 0), INC), v2(ids(X, 0, 0, 0), UP),
                Expect.TARGET_FULL, 70),
            c("disk states: a split brain with an Inconsistent side", v1(ids(Y, X, 0, 0), INC),
                v2(ids(Z, X, 0, 0), UP), Expect.TARGET_FULL, 90),
            c("disk states: Outdated beats Inconsistent", v1(ids(X, 0, 0, 0), DiskState.OUTDATED),
                v2(ids(X, 0, 0, 0), INC), Expect.SOURCE_FULL, 40),
            c("5 the source would be Inconsistent itself", v1(ids(Y, X, 0, 0), INC), v2(ids(X, 0, 0, 0), INC),
                Expect.NO_SYNC, 5),
            c("primary with good data refuses to become target", withRole(v1(ids(X, 0, 0, 0), UP), Role.PRIMARY),
                v2(ids(Y, X, 0, 0), UP), Expect.PRIMARY_CONFLICT, 50),
            c("an Inconsistent primary may become target", withRole(v1(ids(X, 0, 0, 0), INC), Role.PRIMARY),
                v2(ids(Y, X, 0, 0), UP), Expect.TARGET_BITMAP, 50),
            c("a primary source is fine", withRole(v1(ids(Y, X, 0, 0), UP), Role.PRIMARY), v2(ids(X, 0, 0, 0), UP),
                Expect.SOURCE_BITMAP, 70));
    }

    private static Arguments c(String name, DiskView a, DiskView b, Expect expect, int rule) {
        return Arguments.of(name, a, b, expect, rule);
    }

    private static DiskView v1(GenerationIds ids, DiskState disk) {
        return withDisk(view("node1", ids), disk);
    }

    private static DiskView v2(GenerationIds ids, DiskState disk) {
        return withDisk(view("node2", ids), disk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesByRule(String name, DiskView a, DiskView b, Expect expect, int rule) {
        SyncDecision decision = decideBothWays(a, b);

        assertThat(decision.rule()).as(decision.explanation()).isEqualTo(rule);
        assertThat(describe(decision)).as(decision.explanation()).isEqualTo(expect);
        assertThat(decision.explanation()).isNotBlank().doesNotContain("null");
    }

    private static Expect describe(SyncDecision decision) {
        if (decision instanceof SyncDecision.NoSync) {
            return Expect.NO_SYNC;
        }
        if (decision instanceof SyncDecision.BecomeSyncSource source) {
            return source.fullSync() ? Expect.SOURCE_FULL : Expect.SOURCE_BITMAP;
        }
        if (decision instanceof SyncDecision.BecomeSyncTarget target) {
            return target.fullSync() ? Expect.TARGET_FULL : Expect.TARGET_BITMAP;
        }
        if (decision instanceof SyncDecision.SplitBrain splitBrain) {
            assertThat(splitBrain.autoResolved()).isFalse();
            return Expect.SPLIT_BRAIN;
        }
        if (decision instanceof SyncDecision.PrimaryConflict) {
            return Expect.PRIMARY_CONFLICT;
        }
        return Expect.UNRELATED;
    }

    @Test
    void explanationsNameTheNodesInDrbdWords() {
        SyncDecision behind = decideBothWays(view("node1", ids(X, 0, 0, 0)), view("node2", ids(Y, X, 0, 0)));
        assertThat(behind.explanation())
            .isEqualTo("node2 wrote since generation 0000000000001000, which node1 still has: bitmap resync from"
                + " node2 to node1");

        SyncDecision unrelated = decideBothWays(view("node1", ids(Y, W, 0, 0)), view("node2", ids(Z, V, 0, 0)));
        assertThat(unrelated.explanation()).startsWith("Unrelated data, aborting!")
            .contains("node1 0000000000002000:0000000000004000:0000000000000000:0000000000000000");

        SyncDecision conflict = decideBothWays(withRole(view("node1", ids(X, 0, 0, 0)), Role.PRIMARY),
            view("node2", ids(Y, X, 0, 0)));
        assertThat(conflict.explanation()).endsWith("node1 shall become SyncTarget while Primary (rr-conflict"
            + " disconnect): demote node1 and connect again");
    }

    @Test
    void mirroredRulesArePairs() {
        for (int rule : new int[] {1, 5, 10, 20, 30, 34, 35, 40, 50, 60, 70, 80, 90, 100, 110}) {
            assertThat(SyncHandshake.mirroredRule(SyncHandshake.mirroredRule(rule))).isEqualTo(rule);
        }
        assertThat(SyncHandshake.mirroredRule(50)).isEqualTo(70);
        assertThat(SyncHandshake.mirroredRule(60)).isEqualTo(80);
        assertThat(SyncHandshake.mirroredRule(40)).isEqualTo(40);
    }
}
