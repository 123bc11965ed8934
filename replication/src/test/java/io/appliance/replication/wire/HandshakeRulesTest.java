package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ReplicationProtocol;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandshakeRulesTest {

    private static final Params BASE = new Params(ReplicationProtocol.C, AfterSb0Pri.DISCONNECT, AfterSb1Pri.DISCONNECT,
            AfterSb2Pri.DISCONNECT, "sha1", "", false);

    @Test
    void aMatchingHelloIsAccepted() {
        assertThat(HandshakeRules.checkHello("r0", 1, 1, new Hello(1, 1, "r0", "node2", 0))).isEmpty();
        assertThat(HandshakeRules.checkHello("r0", 1, 3, new Hello(3, 5, "r0", "node2", 0))).isEmpty();
    }

    @Test
    void aHelloForAnotherResourceIsRefused() {
        Refused refused = HandshakeRules.checkHello("r0", 1, 1, new Hello(1, 1, "r1", "node2", 0)).orElseThrow();
        assertThat(refused.reason()).isEqualTo(RefusalReason.WRONG_RESOURCE);
        assertThat(refused.message()).contains("'r1'").contains("'r0'");
    }

    @Test
    void disjointVersionRangesAreRefused() {
        Refused refused = HandshakeRules.checkHello("r0", 1, 2, new Hello(3, 4, "r0", "node2", 0)).orElseThrow();
        assertThat(refused.reason()).isEqualTo(RefusalReason.VERSION);
        assertThat(refused.message()).isEqualTo("incompatible protocol versions: this node 1..2, peer 3..4");
    }

    @Test
    void theAgreedVersionIsTheHighestCommonOne() {
        assertThat(HandshakeRules.agreedVersion(1, 3, new Hello(2, 5, "r0", "n", 0))).isEqualTo(3);
        assertThat(HandshakeRules.agreedVersion(2, 9, new Hello(1, 4, "r0", "n", 0))).isEqualTo(4);
        assertThat(HandshakeRules.agreedVersion(WireFormat.MIN_PROTOCOL_VERSION, WireFormat.PROTOCOL_VERSION,
                new Hello(1, 1, "r0", "n", 0))).isEqualTo(1);
        assertThatThrownBy(() -> HandshakeRules.agreedVersion(1, 1, new Hello(2, 2, "r0", "n", 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalParamsAreAccepted() {
        assertThat(HandshakeRules.checkParams(BASE, BASE)).isEmpty();
    }

    @Test
    void eachIncompatibleParameterIsNamedWithBothValues() {
        assertIncompatible(new Params(ReplicationProtocol.A, BASE.sb0(), BASE.sb1(), BASE.sb2(), "sha1", "", false),
                "incompatible protocol: this node C, peer A");
        assertIncompatible(new Params(BASE.protocol(), AfterSb0Pri.DISCARD_ZERO_CHANGES, BASE.sb1(), BASE.sb2(), "sha1", "", false),
                "incompatible after-sb-0pri: this node disconnect, peer discard-zero-changes");
        assertIncompatible(new Params(BASE.protocol(), BASE.sb0(), AfterSb1Pri.CONSENSUS, BASE.sb2(), "sha1", "", false),
                "incompatible after-sb-1pri: this node disconnect, peer consensus");
        assertIncompatible(new Params(BASE.protocol(), BASE.sb0(), BASE.sb1(), AfterSb2Pri.VIOLENTLY_AS0P, "sha1", "", false),
                "incompatible after-sb-2pri: this node disconnect, peer violently-as0p");
        assertIncompatible(new Params(BASE.protocol(), BASE.sb0(), BASE.sb1(), BASE.sb2(), "sha1", "", true),
                "incompatible allow-two-primaries: this node no, peer yes");
        assertIncompatible(new Params(BASE.protocol(), BASE.sb0(), BASE.sb1(), BASE.sb2(), "", "", false),
                "incompatible verify-alg: this node sha1, peer (none)");
        assertIncompatible(new Params(BASE.protocol(), BASE.sb0(), BASE.sb1(), BASE.sb2(), "sha1", "md5", false),
                "incompatible csums-alg: this node (none), peer md5");
    }

    private static void assertIncompatible(Params remote, String message) {
        Optional<Refused> refused = HandshakeRules.checkParams(BASE, remote);
        assertThat(refused).contains(new Refused(RefusalReason.INCOMPATIBLE_PARAMS, message));
    }

    @Test
    void aStalePrimaryIsRefused() {
        State stalePrimary = new State(Role.PRIMARY, DiskState.UP_TO_DATE, ReplicationState.OFF, 4);
        Refused refused = HandshakeRules.checkEpoch(5, stalePrimary).orElseThrow();
        assertThat(refused.reason()).isEqualTo(RefusalReason.STALE_EPOCH);
        assertThat(refused.message()).contains("epoch 4").contains("epoch 5");
        assertThat(HandshakeRules.checkEpoch(4, stalePrimary)).isEmpty();
        assertThat(HandshakeRules.checkEpoch(9, new State(Role.SECONDARY, DiskState.UP_TO_DATE, ReplicationState.OFF, 4)))
                .as("a secondary with an old epoch is no threat").isEmpty();
    }

    @Test
    void sizesAgreeOnTheSmallerDiskUnlessUpToDateDataWouldShrink() {
        Sizes big = new Sizes(2_000_000_000L, 1_000_000_000L, 512);
        Sizes small = new Sizes(1_000_000_000L, 1_000_000_000L, 512);
        Sizes tiny = new Sizes(500_000_000L, 0, 512);
        assertThat(HandshakeRules.agreedSize(big, small)).isEqualTo(1_000_000_000L);
        assertThat(HandshakeRules.checkSizes(big, true, small, true)).isEmpty();
        assertThat(HandshakeRules.checkSizes(big, true, tiny, false).orElseThrow().reason())
                .isEqualTo(RefusalReason.SIZE_MISMATCH);
        assertThat(HandshakeRules.checkSizes(tiny, false, big, true).orElseThrow().message())
                .contains("this node's disk (500000000 bytes)");
        assertThat(HandshakeRules.checkSizes(big, false, tiny, false)).as("no UpToDate data to protect").isEmpty();
    }
}
