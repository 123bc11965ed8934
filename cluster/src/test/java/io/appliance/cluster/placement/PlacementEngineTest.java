package io.appliance.cluster.placement;

import static io.appliance.cluster.placement.PlacementFixture.meta;
import static io.appliance.cluster.placement.PlacementFixture.stickiness;
import static io.appliance.cluster.placement.PlacementFixture.stopped;
import static io.appliance.cluster.placement.PlacementFixture.threshold;
import static io.appliance.cluster.placement.PlacementFixture.unmanaged;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.Score;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {

    @Nested
    class Location {
        @Test
        void prefersTheNodeWithTheHigherLocationScore() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node2", 100);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node2", Score.of(100)).containsEntry("node1", Score.ZERO);
            assertThat(placement.explanation()).startsWith("node2 (score 100");
        }

        @Test
        void locationOnAGroupMemberCountsForTheWholeGroup() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").group("g", meta(), "a", "b")
                    .location("b", "node2", 10);
            assertThat(fixture.nodeOf("g")).contains("node2");
        }

        @Test
        void negativeScoreEverywhereMeansStopped() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", -10).offline("node2");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("node1 score -10").contains("node2 offline");
        }

        @Test
        void minusInfinityLocationForbidsTheNode() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", Score.MINUS_INFINITY);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }
    }

    @Nested
    class Stickiness {
        @Test
        void stickinessAboveTheLocationScoreKeepsTheUnitWhereItRuns() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", stickiness(200)).location("d", "node1", 100)
                    .running("node2", "d");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node2", Score.of(200)).containsEntry("node1", Score.of(100));
        }

        @Test
        void stickinessBelowTheLocationScoreMovesTheUnit() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", stickiness(50)).location("d", "node1", 100)
                    .running("node2", "d");
            assertThat(fixture.nodeOf("d")).contains("node1");
        }

        @Test
        void stickinessZeroMeansFailback() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").stickinessProperty(0)
                    .location("d", "node1", 100).running("node2", "d");
            assertThat(fixture.nodeOf("d")).contains("node1");
        }

        @Test
        void clusterPropertyStickinessAppliesWhenTheMetaHasNone() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").stickinessProperty(1000)
                    .location("d", "node1", 100).running("node2", "d");
            assertThat(fixture.nodeOf("d")).contains("node2");
        }

        @Test
        void groupStickinessIsTheSumOfItsRunningMembers() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").group("g", stickiness(60), "a", "b")
                    .location("g", "node1", 100).running("node2", "a", "b");
            UnitPlacement placement = fixture.place().get("g");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node2", Score.of(120));
        }

        @Test
        void memberMetaOverridesTheGroupStickiness() {
            PlacementFixture fixture = new PlacementFixture().dummy("a", stickiness(0)).dummy("b", stickiness(0))
                    .group("g", stickiness(60), "a", "b").location("g", "node1", 100).running("node2", "a", "b");
            assertThat(fixture.nodeOf("g")).contains("node1");
        }

        @Test
        void aStoppingOrFailedResourceIsNotSticky() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", stickiness(500)).location("d", "node1", 100)
                    .state("node2", LocalState.FAILED, "d");
            assertThat(fixture.nodeOf("d")).contains("node1");
        }
    }

    @Nested
    class Standby {
        @Test
        void adminStandbyMovesTheUnitAway() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", 100);
            fixture.admin = fixture.admin.withStandby("node1", true);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }

        @Test
        void bothNodesInStandbyStopTheUnitAndSaySo() {
            PlacementFixture fixture = new PlacementFixture().dummy("d")
                    .facts("node2", f -> new NodeFacts(f.node(), f.role(), true, true, true, true, Map.of(), Map.of(),
                            Map.of()));
            fixture.admin = fixture.admin.withStandby("node1", true);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("node1 standby").contains("node2 standby");
        }

        @Test
        void aNodeWithoutFactsIsOffline() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", 100);
            fixture.facts.remove("node1");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }

        @Test
        void offlineAndMismatchedNodesAreNotCandidates() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").offline("node1").configMismatch("node2");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("node1 offline")
                    .contains("node2 configuration differs from the coordinator's");
        }
    }

    @Nested
    class CliConstraints {
        @Test
        void preferOverridesTheConfiguredLocationAndClearRestoresIt() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", 100);
            fixture.admin = fixture.admin.withCliConstraint(
                    new LocationConstraint("cli-prefer-d", "d", "node2", Score.INFINITY));
            assertThat(fixture.nodeOf("d")).contains("node2");

            fixture.admin = fixture.admin.withoutCliConstraints("d");
            assertThat(fixture.nodeOf("d")).contains("node1");
        }

        @Test
        void banForbidsTheNodeEvenAgainstStickiness() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", stickiness(1000)).running("node1", "d");
            fixture.admin = fixture.admin.withCliConstraint(
                    new LocationConstraint("cli-ban-d-on-node1", "d", "node1", Score.MINUS_INFINITY));
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }

        @Test
        void banOnAGroupMemberMovesTheGroup() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").group("g", meta(), "a", "b")
                    .location("g", "node1", 100);
            fixture.admin = fixture.admin.withCliConstraint(
                    new LocationConstraint("cli-ban-b-on-node1", "b", "node1", Score.MINUS_INFINITY));
            assertThat(fixture.nodeOf("g")).contains("node2");
        }
    }

    @Nested
    class FailCounts {
        @Test
        void failCountAtTheThresholdForbidsTheNode() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", threshold(3)).location("d", "node1", 100)
                    .failCount("node1", "d", 3);
            assertThat(fixture.nodeOf("d")).contains("node2");
        }

        @Test
        void failCountBelowTheThresholdDoesNot() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", threshold(3)).location("d", "node1", 100)
                    .failCount("node1", "d", 2);
            assertThat(fixture.nodeOf("d")).contains("node1");
        }

        @Test
        void explanationNamesCountThresholdAndNode() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", threshold(3)).failCount("node1", "d", 3)
                    .failCount("node2", "d", 4);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation())
                    .contains("fail-count 3 >= migration-threshold 3 on node1")
                    .contains("fail-count 4 >= migration-threshold 3 on node2");
        }

        @Test
        void defaultThresholdIsInfinityOnlyAnInfiniteFailCountForbids() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "node1", 100)
                    .failCount("node1", "d", 1000);
            assertThat(fixture.nodeOf("d")).contains("node1");

            fixture.failCount("node1", "d", Integer.MAX_VALUE);
            assertThat(fixture.nodeOf("d")).contains("node2");
            assertThat(fixture.place().get("d").scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }

        @Test
        void clusterPropertyThresholdAppliesToGroupMembers() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").group("g", meta(), "a", "b")
                    .migrationThresholdProperty(2).location("g", "node1", 100).failCount("node1", "b", 2);
            assertThat(fixture.nodeOf("g")).contains("node2");
        }
    }

    @Nested
    class ReplicatedDisk {
        @Test
        void diskNotUpToDateForbidsTheNode() {
            PlacementFixture fixture = new PlacementFixture().disk("disk", "r0").location("disk", "node1", 100)
                    .attribute("node1", "replicated-disk:r0", "Outdated")
                    .attribute("node2", "replicated-disk:r0", "UpToDate");
            assertThat(fixture.nodeOf("disk")).contains("node2");
        }

        @Test
        void noUpToDateDiskAnywhereExplainsEachNode() {
            PlacementFixture fixture = new PlacementFixture().disk("disk", "r0")
                    .attribute("node1", "replicated-disk:r0", "Outdated");
            UnitPlacement placement = fixture.place().get("disk");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("r0 disk not UpToDate on node1 (Outdated)")
                    .contains("r0 disk not UpToDate on node2 (unknown)");
        }

        @Test
        void aRunningPrimaryStaysEvenWhenItsAttributeIsNotUpToDate() {
            PlacementFixture fixture = new PlacementFixture().dummy("vip").disk("disk", "r0")
                    .group("g", meta(), "disk", "vip").running("node1", "disk", "vip")
                    .attribute("node1", "replicated-disk:r0", "Consistent")
                    .attribute("node2", "replicated-disk:r0", "UpToDate");
            assertThat(fixture.nodeOf("g")).contains("node1");
        }
    }

    @Nested
    class Witness {
        @Test
        void witnessIsNeverChosenEvenWithAnInfiniteLocation() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").location("d", "witness", Score.INFINITY)
                    .offline("node1").offline("node2");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.scores()).containsEntry("witness", Score.MINUS_INFINITY);
            assertThat(placement.explanation()).contains("witness is a witness");
        }
    }

    @Nested
    class Colocation {
        @Test
        void infinityFollowsTheWithUnitEvenWhenDefinedFirst() {
            PlacementFixture fixture = new PlacementFixture().dummy("b").dummy("a").location("a", "node2", 10)
                    .location("b", "node1", 100).colocation("b", "a", Score.INFINITY);
            assertThat(fixture.nodeOf("b")).contains("node2");
            assertThat(fixture.place().get("b").scores()).containsEntry("node1", Score.MINUS_INFINITY);
        }

        @Test
        void infinityWithAUnitThatRunsNowhereStopsTheDependent() {
            PlacementFixture fixture = new PlacementFixture().dummy("a", stopped()).dummy("b")
                    .colocation("b", "a", Score.INFINITY);
            UnitPlacement placement = fixture.place().get("b");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("b must run with a, which runs nowhere");
        }

        @Test
        void minusInfinityKeepsTheUnitsApart() {
            PlacementFixture fixture = new PlacementFixture().dummy("b").dummy("a").location("a", "node1", 100)
                    .location("b", "node1", 100).colocation("b", "a", Score.MINUS_INFINITY);
            assertThat(fixture.nodeOf("a")).contains("node1");
            assertThat(fixture.nodeOf("b")).contains("node2");
        }

        @Test
        void minusInfinityWithOnlyOneNodeLeftStopsTheDependent() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").offline("node2")
                    .colocation("b", "a", Score.MINUS_INFINITY);
            UnitPlacement placement = fixture.place().get("b");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("b must not run with a (on node1)");
        }

        @Test
        void finiteScoreIsAddedToTheWithUnitsNode() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").location("a", "node1", 100)
                    .location("b", "node2", 30).colocation("b", "a", Score.of(50));
            UnitPlacement placement = fixture.place().get("b");
            assertThat(placement.node()).contains("node1");
            assertThat(placement.scores()).containsEntry("node1", Score.of(50)).containsEntry("node2", Score.of(30));
        }

        @Test
        void finiteScoreLosesToAStrongerLocation() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").location("a", "node1", 100)
                    .location("b", "node2", 80).colocation("b", "a", Score.of(50));
            assertThat(fixture.nodeOf("b")).contains("node2");
        }

        @Test
        void aColocationCycleIsBrokenInConfigurationOrderAndStillKeepsTheUnitsTogether() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").location("b", "node2", 100)
                    .colocation("a", "b", Score.INFINITY).colocation("b", "a", Score.INFINITY);
            Map<String, UnitPlacement> placements = fixture.place();
            assertThat(placements.get("a").node()).isPresent();
            assertThat(placements.get("b").node()).isEqualTo(placements.get("a").node());
        }

        @Test
        void colocationOnAMemberAppliesToItsGroup() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("x").dummy("y")
                    .group("g", meta(), "x", "y").location("a", "node2", 100).colocation("y", "a", Score.INFINITY);
            assertThat(fixture.nodeOf("g")).contains("node2");
        }
    }

    @Nested
    class TargetRoleAndManaged {
        @Test
        void targetRoleStoppedOnAMemberStopsTheGroup() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b", stopped())
                    .group("g", meta(), "a", "b").running("node1", "a", "b");
            UnitPlacement placement = fixture.place().get("g");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).isEqualTo("target-role=Stopped on b");
        }

        @Test
        void targetRoleStoppedOnTheGroup() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").group("g", stopped(), "a");
            assertThat(fixture.place().get("g").explanation()).isEqualTo("target-role=Stopped on g");
        }

        @Test
        void unmanagedKeepsItsCurrentNodeAgainstAnInfiniteLocation() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", unmanaged())
                    .location("d", "node1", Score.INFINITY).running("node2", "d");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).contains("node2");
            assertThat(placement.explanation()).isEqualTo("unmanaged: stays on node2");
        }

        @Test
        void unmanagedAndNotRunningIsNotStarted() {
            PlacementFixture fixture = new PlacementFixture().dummy("d", unmanaged()).location("d", "node1", 100);
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation()).contains("unmanaged: not active on any node");
        }

        @Test
        void unmanagedEvenWithTargetRoleStoppedIsLeftAlone() {
            PlacementFixture fixture = new PlacementFixture().dummy("a", unmanaged()).dummy("b", stopped())
                    .group("g", meta(), "a", "b").running("node1", "a");
            assertThat(fixture.nodeOf("g")).contains("node1");
        }

        @Test
        void maintenanceModeKeepsEveryUnitWhereItIs() {
            PlacementFixture fixture = new PlacementFixture().dummy("a").dummy("b").location("a", "node1", 100)
                    .running("node2", "a");
            fixture.admin = fixture.admin.withMaintenance(true);
            Map<String, UnitPlacement> placements = fixture.place();
            assertThat(placements.get("a").node()).contains("node2");
            assertThat(placements.get("b").node()).isEmpty();
            assertThat(placements.get("a").explanation()).startsWith("maintenance mode");
        }
    }

    @Nested
    class AsymmetricCluster {
        @Test
        void withoutAPositiveLocationNothingRuns() {
            PlacementFixture fixture = new PlacementFixture().asymmetric().dummy("d");
            UnitPlacement placement = fixture.place().get("d");
            assertThat(placement.node()).isEmpty();
            assertThat(placement.explanation())
                    .contains("symmetric-cluster=false and no positive location for d on node1");
        }

        @Test
        void onlyNodesWithAPositiveLocationAreAllowed() {
            PlacementFixture fixture = new PlacementFixture().asymmetric().dummy("d", stickiness(1000))
                    .location("d", "node2", 10).running("node1", "d");
            assertThat(fixture.nodeOf("d")).contains("node2");
        }
    }

    @Nested
    class MutualStandby {
        private PlacementFixture twoGroups(long stickiness) {
            return new PlacementFixture().stickinessProperty(stickiness)
                    .dummy("a1").dummy("a2").group("ga", meta(), "a1", "a2")
                    .dummy("b1").dummy("b2").group("gb", meta(), "b1", "b2")
                    .location("ga", "node1", 100).location("gb", "node2", 100);
        }

        @Test
        void eachGroupRunsOnItsPreferredNode() {
            Map<String, UnitPlacement> placements = twoGroups(0).place();
            assertThat(placements.get("ga").node()).contains("node1");
            assertThat(placements.get("gb").node()).contains("node2");
        }

        @Test
        void theSurvivorTakesBothGroups() {
            Map<String, UnitPlacement> placements = twoGroups(0).offline("node1").running("node2", "b1", "b2").place();
            assertThat(placements.get("ga").node()).contains("node2");
            assertThat(placements.get("gb").node()).contains("node2");
        }

        @Test
        void withStickinessZeroTheGroupFailsBackWhenItsNodeReturns() {
            Map<String, UnitPlacement> placements = twoGroups(0).running("node2", "a1", "a2", "b1", "b2").place();
            assertThat(placements.get("ga").node()).contains("node1");
            assertThat(placements.get("gb").node()).contains("node2");
        }

        @Test
        void withStickinessTheGroupStaysOnTheSurvivor() {
            Map<String, UnitPlacement> placements = twoGroups(100).running("node2", "a1", "a2", "b1", "b2").place();
            assertThat(placements.get("ga").node()).contains("node2");
            assertThat(placements.get("gb").node()).contains("node2");
        }
    }

    @Nested
    class Ties {
        @Test
        void equalScoresSpreadUnitsOverNodesInConfigurationOrder() {
            Map<String, UnitPlacement> placements = new PlacementFixture().dummy("a").dummy("b").dummy("c").place();
            assertThat(placements.get("a").node()).contains("node1");
            assertThat(placements.get("b").node()).contains("node2");
            assertThat(placements.get("c").node()).contains("node1");
        }

        @Test
        void equalScoresPreferTheNodeAlreadyRunningTheUnit() {
            PlacementFixture fixture = new PlacementFixture().dummy("d").stickinessProperty(0).running("node2", "d");
            assertThat(fixture.nodeOf("d")).contains("node2");
        }

        @Test
        void resultIsInConfigurationOrderAndRepeatable() {
            PlacementFixture fixture = new PlacementFixture().dummy("z").dummy("a").dummy("m")
                    .colocation("z", "m", Score.of(10));
            Map<String, UnitPlacement> first = fixture.place();
            assertThat(first.keySet()).containsExactly("z", "a", "m");
            assertThat(fixture.place()).isEqualTo(first);
            assertThat(first.values()).allSatisfy(p -> assertThat(p.node()).isNotEqualTo(Optional.empty()));
        }
    }
}
