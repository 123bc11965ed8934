package io.appliance.config.cluster;

import static io.appliance.config.cluster.ClusterFixtures.iscsiGroup;
import static io.appliance.config.cluster.ClusterFixtures.primitive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ResourceConfigurationTest {

    private static void assertRefused(ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ClusterDefinitionException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void unitsMembersAndGroups() {
        ResourceConfiguration resources = iscsiGroup();
        assertThat(resources.units()).containsExactly("g-iscsi", "dummy");
        assertThat(resources.membersOf("g-iscsi")).containsExactly("block", "disk", "target", "vip", "unblock");
        assertThat(resources.membersOf("dummy")).containsExactly("dummy");
        assertThat(resources.groupOf("vip")).map(GroupDefinition::id).contains("g-iscsi");
        assertThat(resources.groupOf("dummy")).isEmpty();
        assertThat(resources.primitive("vip").orElseThrow().type()).isEqualTo("IPaddr2");
        assertThat(resources.primitive("disk").orElseThrow().operation("monitor")).isPresent();
        assertThatThrownBy(() -> resources.membersOf("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutableWithSortedParameters() {
        ResourceConfiguration resources = iscsiGroup();
        assertThatThrownBy(() -> resources.primitives().clear()).isInstanceOf(UnsupportedOperationException.class);
        PrimitiveDefinition vip = resources.primitive("vip").orElseThrow();
        assertThat(vip.params().keySet()).containsExactly("cidr_netmask", "ip");
        assertThatThrownBy(() -> vip.params().put("nic", "eth0")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void idsAreUniqueAcrossResourcesAndConstraints() {
        assertRefused(() -> iscsiGroup(List.of(new LocationConstraint("vip", "vip", "node1", Score.of(5))),
                List.of(), List.of()), "locations[0].id", "id 'vip' is already used by primitives[3].id");
        assertRefused(() -> new ResourceConfiguration(List.of(primitive("a", "Dummy", Map.of()),
                primitive("a", "Dummy", Map.of())), List.of(), List.of(), List.of(), List.of(),
                ClusterProperties.defaults()), "primitives[1].id", "already used by primitives[0].id");
    }

    @Test
    void groupMembersExistAndBelongToOneGroup() {
        List<PrimitiveDefinition> primitives = List.of(primitive("a", "Dummy", Map.of()), primitive("b", "Dummy", Map.of()));
        assertRefused(() -> new ResourceConfiguration(primitives,
                List.of(new GroupDefinition("g", List.of("a", "c"), ResourceMeta.empty())),
                List.of(), List.of(), List.of(), ClusterProperties.defaults()),
                "groups[0].members[1]", "member c is not a defined primitive");
        assertRefused(() -> new ResourceConfiguration(primitives,
                List.of(new GroupDefinition("g", List.of("a"), ResourceMeta.empty()),
                        new GroupDefinition("h", List.of("b", "a"), ResourceMeta.empty())),
                List.of(), List.of(), List.of(), ClusterProperties.defaults()),
                "groups[1].members[1]", "member a is already a member of group g");
        assertRefused(() -> new ResourceConfiguration(primitives,
                List.of(new GroupDefinition("g", List.of("a"), ResourceMeta.empty()),
                        new GroupDefinition("h", List.of("g"), ResourceMeta.empty())),
                List.of(), List.of(), List.of(), ClusterProperties.defaults()),
                "groups[1].members[0]", "groups cannot contain groups");
        assertRefused(() -> new GroupDefinition("g", List.of(), ResourceMeta.empty()), "members", "at least one member");
    }

    @Test
    void constraintsNameExistingResources() {
        assertRefused(() -> iscsiGroup(List.of(), List.of(new ColocationConstraint("c", "dummy", "ghost", Score.INFINITY)),
                List.of()), "colocations[0].withResource", "no primitive or group called 'ghost'");
        assertRefused(() -> iscsiGroup(List.of(), List.of(), List.of(new OrderConstraint("o", "ghost", "dummy",
                OrderKind.MANDATORY))), "orders[0].first", "constraint o: no primitive or group called 'ghost'");
        assertRefused(() -> iscsiGroup(List.of(new LocationConstraint("l", "ghost", "node1", Score.of(5))), List.of(),
                List.of()), "locations[0].resource", "no primitive or group called 'ghost'");
    }

    @Test
    void orderCyclesAreRefusedNamingTheCycle() {
        assertRefused(() -> iscsiGroup(List.of(), List.of(), List.of(
                new OrderConstraint("o1", "dummy", "g-iscsi", OrderKind.MANDATORY),
                new OrderConstraint("o2", "g-iscsi", "dummy", OrderKind.OPTIONAL))),
                "orders[0]", "order constraints form a cycle: dummy -> g-iscsi -> dummy");
        assertRefused(() -> iscsiGroup(List.of(), List.of(), List.of(
                new OrderConstraint("o1", "vip", "disk", OrderKind.MANDATORY))),
                "orders[0]", "cycle: disk -> target -> vip -> disk");
        assertThat(iscsiGroup(List.of(), List.of(), List.of(
                new OrderConstraint("o1", "g-iscsi", "dummy", OrderKind.MANDATORY),
                new OrderConstraint("o2", "disk", "dummy", OrderKind.MANDATORY))).orders()).hasSize(2);
    }

    @Test
    void groupMembersThatCanNeverRunTogether() {
        assertRefused(() -> iscsiGroup(List.of(), List.of(new ColocationConstraint("apart", "vip", "disk",
                Score.MINUS_INFINITY)), List.of()), "colocations[0]",
                "group g-iscsi: members vip and disk can never run together");
        assertRefused(() -> iscsiGroup(List.of(), List.of(new ColocationConstraint("apart", "vip", "g-iscsi",
                Score.MINUS_INFINITY)), List.of()), "colocations[0]", "member vip can never run with its own group");
        assertThat(iscsiGroup(List.of(), List.of(new ColocationConstraint("apart", "dummy", "g-iscsi",
                Score.MINUS_INFINITY)), List.of()).colocations()).hasSize(1);
    }

    @Test
    void recordsCheckTheirOwnFields() {
        assertRefused(() -> PrimitiveDefinition.of("bad id", "Dummy", Map.of()), "id", "resource id 'bad id'");
        assertRefused(() -> PrimitiveDefinition.of("x", "IPaddr3", Map.of()), "type", "unknown resource type 'IPaddr3'");
        assertRefused(() -> PrimitiveDefinition.of("x", "IPaddr", Map.of()), "params.ip", "IPaddr2 needs parameter 'ip'");
        assertRefused(() -> new PrimitiveDefinition("x", "Dummy", Map.of(), List.of(
                OperationDefinition.monitor(Duration.ofSeconds(5)), OperationDefinition.monitor(Duration.ofSeconds(9))),
                ResourceMeta.empty()), "operations[1].name", "operation monitor is defined twice");
        assertRefused(() -> OperationDefinition.of("monitor", Duration.ZERO), "interval", "monitor needs an interval > 0");
        assertRefused(() -> OperationDefinition.of("start", Duration.ofSeconds(1)), "interval", "start takes no interval");
        assertRefused(() -> OperationDefinition.of("promote", Duration.ZERO), "name", "must be start, stop or monitor");
        assertRefused(() -> new OperationDefinition("stop", Duration.ZERO, Duration.ZERO, OnFail.BLOCK), "timeout",
                "timeout 0s out of range 100ms..24h");
        assertThat(OperationDefinition.of("stop", Duration.ZERO).onFail()).isEqualTo(OnFail.FENCE);
        assertThat(OperationDefinition.monitor(Duration.ofSeconds(10)).onFail()).isEqualTo(OnFail.RESTART);
        assertRefused(() -> new ResourceMeta(Optional.empty(), OptionalInt.of(0), Optional.empty(), TargetRole.STARTED,
                true), "migrationThreshold", "must be at least 1");
        assertRefused(() -> new ClusterProperties(Score.ZERO, 0, Duration.ZERO, false, true, true),
                "migration-threshold", "must be at least 1");
        assertRefused(() -> new OrderConstraint("o", "a", "a", OrderKind.MANDATORY), "then", "ordered after itself");
        assertRefused(() -> new ColocationConstraint("c", "a", "a", Score.INFINITY), "withResource", "with itself");
    }

    @Test
    void defaults() {
        ClusterProperties properties = ClusterProperties.defaults();
        assertThat(properties.resourceStickiness()).isEqualTo(Score.ZERO);
        assertThat(properties.migrationThreshold()).isEqualTo(Integer.MAX_VALUE);
        assertThat(properties.failureTimeout()).isZero();
        assertThat(properties.startFailureIsFatal()).isTrue();
        assertThat(properties.symmetricCluster()).isTrue();
        assertThat(properties.maintenanceMode()).isFalse();
        ResourceMeta meta = ResourceMeta.empty();
        assertThat(meta.stickiness()).isEmpty();
        assertThat(meta.targetRole()).isEqualTo(TargetRole.STARTED);
        assertThat(meta.managed()).isTrue();
    }
}
