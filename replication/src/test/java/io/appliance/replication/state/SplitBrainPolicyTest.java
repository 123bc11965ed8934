package io.appliance.replication.state;

import static io.appliance.replication.state.Handshakes.V;
import static io.appliance.replication.state.Handshakes.W;
import static io.appliance.replication.state.Handshakes.X;
import static io.appliance.replication.state.Handshakes.Y;
import static io.appliance.replication.state.Handshakes.Z;
import static io.appliance.replication.state.Handshakes.changed;
import static io.appliance.replication.state.Handshakes.decideBothWays;
import static io.appliance.replication.state.Handshakes.discarding;
import static io.appliance.replication.state.Handshakes.ids;
import static io.appliance.replication.state.Handshakes.view;
import static io.appliance.replication.state.Handshakes.withRole;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ResourceOptions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every after-sb policy and --discard-my-data on a split brain between node1 (view a: generation Y) and
 * node2 (view b: generation Z), both parted at X. The expected survivor is the node the resync goes from;
 * "none" means unresolved (StandAlone).
 */
class SplitBrainPolicyTest {

    private static final String NONE = "none";

    static Stream<Arguments> policies() {
        DiskView a = view("node1", ids(Y, X, 0, 0));
        DiskView b = view("node2", ids(Z, X, 0, 0));
        DiskView aWasPrimary = view("node1", ids(Y, X | 1, 0, 0));
        DiskView bWasPrimary = view("node2", ids(Z, X | 1, 0, 0));
        return Stream.of(
            // after-sb-0pri
            p("0pri disconnect", opts0(AfterSb0Pri.DISCONNECT), changed(a, 0), changed(b, 5), NONE,
                "after-sb-0pri disconnect"),
            p("0pri discard-zero-changes: node1 wrote nothing", opts0(AfterSb0Pri.DISCARD_ZERO_CHANGES),
                changed(a, 0), changed(b, 5), "node2", "discard-zero-changes: node1 changed no block"),
            p("0pri discard-zero-changes: node2 wrote nothing", opts0(AfterSb0Pri.DISCARD_ZERO_CHANGES),
                changed(a, 3), changed(b, 0), "node1", "node2 changed no block"),
            p("0pri discard-zero-changes: both wrote", opts0(AfterSb0Pri.DISCARD_ZERO_CHANGES), changed(a, 3),
                changed(b, 5), NONE, "both changed blocks"),
            p("0pri discard-zero-changes: neither wrote, name tie", opts0(AfterSb0Pri.DISCARD_ZERO_CHANGES),
                changed(a, 0), changed(b, 0), "node1", "tie broken by node name"),
            p("0pri discard-least-changes", opts0(AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(a, 3), changed(b, 5),
                "node2", "discard-least-changes: node1 changed 3 blocks, node2 changed 5"),
            p("0pri discard-least-changes reversed", opts0(AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(a, 9),
                changed(b, 5), "node1", "node1 changed 9 blocks"),
            p("0pri discard-least-changes tie", opts0(AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(a, 4),
                changed(b, 4), "node1", "tie broken by node name"),
            p("0pri discard-younger-primary: node2 became primary later", opts0(AfterSb0Pri.DISCARD_YOUNGER_PRIMARY),
                changed(aWasPrimary, 9), changed(b, 1), "node1", "node1 was Primary when the nodes parted"),
            p("0pri discard-younger-primary: node1 became primary later", opts0(AfterSb0Pri.DISCARD_YOUNGER_PRIMARY),
                changed(a, 1), changed(bWasPrimary, 9), "node2", "node1 became Primary later"),
            p("0pri discard-older-primary", opts0(AfterSb0Pri.DISCARD_OLDER_PRIMARY), changed(aWasPrimary, 1),
                changed(b, 9), "node2", "discard-older-primary: node1 was Primary"),
            p("0pri discard-younger-primary undecided falls back to zero changes",
                opts0(AfterSb0Pri.DISCARD_YOUNGER_PRIMARY), changed(a, 0), changed(b, 4), "node2",
                "did not find a decision"),
            p("0pri discard-older-primary undecided falls back to least changes",
                opts0(AfterSb0Pri.DISCARD_OLDER_PRIMARY), changed(aWasPrimary, 2), changed(bWasPrimary, 4), "node2",
                "using discard-least-changes: node1 changed 2 blocks"),
            p("0pri discard-node-node1", ResourceOptions.builder().afterSb0PriDiscardNode("node1").build(),
                changed(a, 100), changed(b, 1), "node2", "discard-node-node1"),
            p("0pri discard-node-node2", ResourceOptions.builder().afterSb0PriDiscardNode("node2").build(),
                changed(a, 1), changed(b, 100), "node1", "discard-node-node2"),
            p("0pri discard-node naming neither", ResourceOptions.builder().afterSb0PriDiscardNode("node9").build(),
                a, b, NONE, "names neither node"),
            // after-sb-1pri, node1 Primary
            p("1pri disconnect", opts1(AfterSb1Pri.DISCONNECT, AfterSb0Pri.DISCARD_LEAST_CHANGES), primary(a), b, NONE,
                "after-sb-1pri disconnect"),
            p("1pri discard-secondary", opts1(AfterSb1Pri.DISCARD_SECONDARY, AfterSb0Pri.DISCONNECT),
                changed(primary(a), 1), changed(b, 99), "node1", "discard-secondary"),
            p("1pri discard-secondary with node2 Primary", opts1(AfterSb1Pri.DISCARD_SECONDARY, AfterSb0Pri.DISCONNECT),
                a, primary(b), "node2", "discard-secondary"),
            p("1pri consensus agrees", opts1(AfterSb1Pri.CONSENSUS, AfterSb0Pri.DISCARD_LEAST_CHANGES),
                changed(primary(a), 9), changed(b, 2), "node1", "consensus: discard-least-changes"),
            p("1pri consensus disagrees", opts1(AfterSb1Pri.CONSENSUS, AfterSb0Pri.DISCARD_LEAST_CHANGES),
                changed(primary(a), 2), changed(b, 9), NONE, "does not discard the Secondary node2"),
            p("1pri consensus without a 0pri decision", opts1(AfterSb1Pri.CONSENSUS, AfterSb0Pri.DISCONNECT),
                primary(a), b, NONE, "after-sb-0pri disconnect"),
            p("1pri violently-as0p discards the primary", opts1(AfterSb1Pri.VIOLENTLY_AS0P,
                AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(primary(a), 2), changed(b, 9), "node2", "violently-as0p"),
            p("1pri call-pri-lost-after-sb, secondary loses", opts1(AfterSb1Pri.CALL_PRI_LOST_AFTER_SB,
                AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(primary(a), 9), changed(b, 2), "node1",
                "call-pri-lost-after-sb: discard-least-changes"),
            p("1pri call-pri-lost-after-sb, primary loses", opts1(AfterSb1Pri.CALL_PRI_LOST_AFTER_SB,
                AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(primary(a), 2), changed(b, 9), NONE,
                "the Primary node1 lost: calling handler pri-lost-after-sb"),
            // after-sb-2pri
            p("2pri disconnect", opts2(AfterSb2Pri.DISCONNECT, AfterSb0Pri.DISCARD_LEAST_CHANGES), primary(a),
                primary(b), NONE, "after-sb-2pri disconnect"),
            p("2pri violently-as0p", opts2(AfterSb2Pri.VIOLENTLY_AS0P, AfterSb0Pri.DISCARD_LEAST_CHANGES),
                changed(primary(a), 2), changed(primary(b), 9), "node2", "violently-as0p: discard-least-changes"),
            p("2pri call-pri-lost-after-sb", opts2(AfterSb2Pri.CALL_PRI_LOST_AFTER_SB,
                AfterSb0Pri.DISCARD_LEAST_CHANGES), changed(primary(a), 2), changed(primary(b), 9), NONE,
                "the Primary node1 lost: calling handler pri-lost-after-sb"),
            // --discard-my-data wins over any policy
            p("discard-my-data on node1 with disconnect", opts0(AfterSb0Pri.DISCONNECT), discarding(a), b, "node2",
                "manually solved. Sync from node2 (node1 connected with --discard-my-data)"),
            p("discard-my-data on node2 beats discard-secondary", opts1(AfterSb1Pri.DISCARD_SECONDARY,
                AfterSb0Pri.DISCONNECT), primary(a), discarding(primary(b)), "node1", "node2 connected with"),
            p("discard-my-data on both", opts0(AfterSb0Pri.DISCARD_LEAST_CHANGES), discarding(a), discarding(b), NONE,
                "both node1 and node2 connected with --discard-my-data"));
    }

    private static Arguments p(String name, ResourceOptions options, DiskView a, DiskView b, String survivor,
                               String explanationPart) {
        return Arguments.of(name, options, a, b, survivor, explanationPart);
    }

    private static ResourceOptions opts0(AfterSb0Pri policy) {
        return ResourceOptions.builder().afterSb0Pri(policy).build();
    }

    private static ResourceOptions opts1(AfterSb1Pri policy, AfterSb0Pri zeroPrimaries) {
        return ResourceOptions.builder().afterSb0Pri(zeroPrimaries).afterSb1Pri(policy).build();
    }

    private static ResourceOptions opts2(AfterSb2Pri policy, AfterSb0Pri zeroPrimaries) {
        return ResourceOptions.builder().afterSb0Pri(zeroPrimaries).afterSb2Pri(policy).build();
    }

    private static DiskView primary(DiskView v) {
        return withRole(v, Role.PRIMARY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void appliesThePolicy(String name, ResourceOptions options, DiskView a, DiskView b, String survivor,
                          String explanationPart) {
        SyncDecision decision = decideBothWays(options, a, b);

        assertThat(decision.rule()).isEqualTo(SyncHandshake.RULE_SPLIT_BRAIN);
        assertThat(decision.explanation()).contains(explanationPart);
        int primaries = (a.role() == Role.PRIMARY ? 1 : 0) + (b.role() == Role.PRIMARY ? 1 : 0);
        if (survivor.equals(NONE)) {
            assertThat(decision).isInstanceOfSatisfying(SyncDecision.SplitBrain.class,
                splitBrain -> assertThat(splitBrain.autoResolved()).isFalse());
            assertThat(decision.explanation()).startsWith("Split-Brain detected but unresolved, dropping connection! "
                + primaries + " primaries, ").endsWith("Resolve with 'connect --discard-my-data' on the node whose"
                + " changes to discard");
            return;
        }
        Class<? extends SyncDecision> expected = survivor.equals("node1")
            ? SyncDecision.BecomeSyncSource.class : SyncDecision.BecomeSyncTarget.class;
        assertThat(decision).isInstanceOf(expected);
        assertThat(fullSync(decision)).as("a split brain at a common bitmap generation is a bitmap resync").isFalse();
        assertThat(decision.explanation()).startsWith("Split-Brain detected, " + primaries + " primaries, ")
            .contains("solved. Sync from " + survivor + " (");
    }

    @Test
    void explanationReadsLikeDrbd() {
        ResourceOptions options = opts1(AfterSb1Pri.DISCARD_SECONDARY, AfterSb0Pri.DISCONNECT);
        SyncDecision decision = decideBothWays(options, view("node1", ids(Y, X, 0, 0)),
            primary(view("node2", ids(Z, X, 0, 0))));

        assertThat(decision.explanation()).isEqualTo("Split-Brain detected, 1 primaries, automatically solved. Sync"
            + " from node2 (discard-secondary); split brain: node1 and node2 both changed their data since generation"
            + " 0000000000001000; bitmap resync");
    }

    @Test
    void ambiguousHistoriesResolveOnlyManuallyAndWithAFullSync() {
        DiskView a = changed(view("node1", ids(Y, W, X, 0)), 0);
        DiskView b = changed(view("node2", ids(Z, V, X, 0)), 7);
        ResourceOptions zeroChanges = opts0(AfterSb0Pri.DISCARD_ZERO_CHANGES);

        SyncDecision byPolicy = decideBothWays(zeroChanges, a, b);
        assertThat(byPolicy).isInstanceOf(SyncDecision.SplitBrain.class);
        assertThat(byPolicy.rule()).isEqualTo(SyncHandshake.RULE_SPLIT_BRAIN_HISTORY);
        assertThat(byPolicy.explanation()).contains("after-sb policies do not apply");

        SyncDecision manual = decideBothWays(zeroChanges, discarding(a), b);
        assertThat(manual).isInstanceOfSatisfying(SyncDecision.BecomeSyncTarget.class,
            target -> assertThat(target.fullSync()).isTrue());
        assertThat(manual.explanation()).contains("manually solved").endsWith("full sync");
    }

    private static boolean fullSync(SyncDecision decision) {
        if (decision instanceof SyncDecision.BecomeSyncSource source) {
            return source.fullSync();
        }
        return ((SyncDecision.BecomeSyncTarget) decision).fullSync();
    }
}
