package io.appliance.replication.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PromotionRulesTest {

    private static final ConnectionState CONNECTED = ConnectionState.CONNECTED;
    private static final ConnectionState CONNECTING = ConnectionState.CONNECTING;
    private static final PromotionRules.Refusal NEED = PromotionRules.Refusal.NEED_UP_TO_DATE;
    private static final PromotionRules.Refusal PEER = PromotionRules.Refusal.PEER_IS_PRIMARY;

    static Stream<Arguments> cases() {
        PeerSummary alone = PeerSummary.notConnected(false, false);
        PeerSummary aloneOutdated = PeerSummary.notConnected(true, false);
        PeerSummary secondary = PeerSummary.connected(Role.SECONDARY, DiskState.UP_TO_DATE, false);
        PeerSummary primary = PeerSummary.connected(Role.PRIMARY, DiskState.UP_TO_DATE, false);
        PeerSummary primaryDual = PeerSummary.connected(Role.PRIMARY, DiskState.UP_TO_DATE, true);
        PeerSummary outdatedSecondary = PeerSummary.connected(Role.SECONDARY, DiskState.OUTDATED, false);
        return Stream.of(
            a(DiskState.UP_TO_DATE, CONNECTING, alone, false, null),
            a(DiskState.UP_TO_DATE, CONNECTED, secondary, false, null),
            a(DiskState.UP_TO_DATE, CONNECTED, primary, false, PEER),
            a(DiskState.UP_TO_DATE, CONNECTED, primary, true, PEER),
            a(DiskState.UP_TO_DATE, CONNECTED, primaryDual, false, null),
            a(DiskState.UP_TO_DATE, ConnectionState.STANDALONE, primary, false, null),
            a(DiskState.CONSISTENT, CONNECTING, alone, false, NEED),
            a(DiskState.CONSISTENT, CONNECTING, alone, true, null),
            a(DiskState.CONSISTENT, CONNECTING, aloneOutdated, false, null),
            a(DiskState.CONSISTENT, CONNECTED, outdatedSecondary, false, null),
            a(DiskState.OUTDATED, CONNECTING, alone, false, NEED),
            a(DiskState.OUTDATED, CONNECTING, aloneOutdated, false, NEED),
            a(DiskState.OUTDATED, CONNECTING, alone, true, null),
            a(DiskState.INCONSISTENT, CONNECTED, secondary, false, NEED),
            a(DiskState.INCONSISTENT, CONNECTED, secondary, true, null),
            a(DiskState.INCONSISTENT, CONNECTED, primary, true, PEER),
            a(DiskState.DISKLESS, CONNECTED, secondary, false, null),
            a(DiskState.DISKLESS, CONNECTED, outdatedSecondary, true, NEED),
            a(DiskState.DISKLESS, CONNECTING, alone, true, NEED),
            a(DiskState.ATTACHING, CONNECTED, secondary, true, NEED),
            a(DiskState.FAILED, CONNECTED, secondary, true, NEED));
    }

    private static Arguments a(DiskState disk, ConnectionState connection, PeerSummary peer, boolean force,
                               PromotionRules.Refusal refusal) {
        return Arguments.of(disk, connection, peer, force, Optional.ofNullable(refusal));
    }

    @ParameterizedTest(name = "{0} {1} peer={2} force={3}: {4}")
    @MethodSource("cases")
    void decides(DiskState disk, ConnectionState connection, PeerSummary peer, boolean force,
                 Optional<PromotionRules.Refusal> refusal) {
        assertThat(PromotionRules.refusal(disk, connection, peer, force)).isEqualTo(refusal);
        assertThat(PromotionRules.mayPromote(disk, connection, peer, force)).isEqualTo(refusal.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = DiskState.class, names = {"OUTDATED", "INCONSISTENT"})
    void outdatedAndInconsistentNeverWithoutForce(DiskState disk) {
        for (ConnectionState connection : ConnectionState.values()) {
            for (PeerSummary peer : new PeerSummary[] {PeerSummary.notConnected(true, true),
                PeerSummary.connected(Role.SECONDARY, DiskState.INCONSISTENT, true)}) {
                assertThat(PromotionRules.mayPromote(disk, connection, peer, false)).isFalse();
                assertThat(PromotionRules.needsForce(disk, connection, peer)).isTrue();
            }
        }
    }

    @Test
    void refusalsCarryDrbdMessages() {
        assertThat(NEED.message()).isEqualTo("State change failed: (-2) Need access to UpToDate data");
        assertThat(PEER.message()).isEqualTo("State change failed: (-1) Multiple primaries not allowed by config");
        assertThat(PromotionRules.needsForce(DiskState.UP_TO_DATE, CONNECTING,
            PeerSummary.notConnected(false, false))).isFalse();
    }
}
