package io.appliance.cluster.placement;

import io.appliance.config.cluster.ClusterNodeDefinition;
import io.appliance.config.cluster.ClusterProperties;
import io.appliance.config.cluster.ColocationConstraint;
import io.appliance.config.cluster.GroupDefinition;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.NodeRole;
import io.appliance.config.cluster.PrimitiveDefinition;
import io.appliance.config.cluster.ResourceConfiguration;
import io.appliance.config.cluster.ResourceMeta;
import io.appliance.config.cluster.Score;
import io.appliance.config.cluster.TargetRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds placement inputs for tests: node1, node2 (storage) and witness by default, all online and empty. */
final class PlacementFixture {

    final List<PrimitiveDefinition> primitives = new ArrayList<>();
    final List<GroupDefinition> groups = new ArrayList<>();
    final List<LocationConstraint> locations = new ArrayList<>();
    final List<ColocationConstraint> colocations = new ArrayList<>();
    final List<ClusterNodeDefinition> nodes = new ArrayList<>();
    final Map<String, NodeFacts> facts = new LinkedHashMap<>();
    ClusterProperties properties = ClusterProperties.defaults();
    AdminState admin = AdminState.initial();

    PlacementFixture() {
        node("node1", NodeRole.STORAGE);
        node("node2", NodeRole.STORAGE);
        node("witness", NodeRole.WITNESS);
    }

    static PlacementFixture storageNodes(String... names) {
        PlacementFixture fixture = new PlacementFixture();
        fixture.nodes.clear();
        fixture.facts.clear();
        for (String name : names) {
            fixture.node(name, NodeRole.STORAGE);
        }
        return fixture;
    }

    PlacementFixture node(String name, NodeRole role) {
        nodes.add(new ClusterNodeDefinition(name, role, 1, List.of()));
        facts.put(name, NodeFacts.online(name, role));
        return this;
    }

    static ResourceMeta meta() {
        return ResourceMeta.empty();
    }

    static ResourceMeta stickiness(long score) {
        return new ResourceMeta(Optional.of(Score.of(score)), OptionalInt.empty(), Optional.empty(),
                TargetRole.STARTED, true);
    }

    static ResourceMeta threshold(int threshold) {
        return new ResourceMeta(Optional.empty(), OptionalInt.of(threshold), Optional.empty(), TargetRole.STARTED, true);
    }

    static ResourceMeta stopped() {
        return new ResourceMeta(Optional.empty(), OptionalInt.empty(), Optional.empty(), TargetRole.STOPPED, true);
    }

    static ResourceMeta unmanaged() {
        return new ResourceMeta(Optional.empty(), OptionalInt.empty(), Optional.empty(), TargetRole.STARTED, false);
    }

    PlacementFixture dummy(String id) {
        return dummy(id, meta());
    }

    PlacementFixture dummy(String id, ResourceMeta meta) {
        primitives.add(new PrimitiveDefinition(id, "Dummy", Map.of(), List.of(), meta));
        return this;
    }

    PlacementFixture disk(String id, String drbdResource) {
        primitives.add(new PrimitiveDefinition(id, "replicated-disk", Map.of("resource", drbdResource), List.of(),
                meta()));
        return this;
    }

    PlacementFixture group(String id, ResourceMeta meta, String... members) {
        groups.add(new GroupDefinition(id, List.of(members), meta));
        return this;
    }

    PlacementFixture location(String resource, String node, Score score) {
        locations.add(new LocationConstraint("loc-" + resource + "-" + node, resource, node, score));
        return this;
    }

    PlacementFixture location(String resource, String node, long score) {
        return location(resource, node, Score.of(score));
    }

    PlacementFixture colocation(String resource, String with, Score score) {
        colocations.add(new ColocationConstraint("col-" + resource + "-" + with, resource, with, score));
        return this;
    }

    PlacementFixture stickinessProperty(long score) {
        properties = new ClusterProperties(Score.of(score), properties.migrationThreshold(),
                properties.failureTimeout(), properties.maintenanceMode(), properties.startFailureIsFatal(),
                properties.symmetricCluster());
        return this;
    }

    PlacementFixture migrationThresholdProperty(int threshold) {
        properties = new ClusterProperties(properties.resourceStickiness(), threshold, Duration.ZERO,
                properties.maintenanceMode(), properties.startFailureIsFatal(), properties.symmetricCluster());
        return this;
    }

    PlacementFixture asymmetric() {
        properties = new ClusterProperties(properties.resourceStickiness(), properties.migrationThreshold(),
                properties.failureTimeout(), properties.maintenanceMode(), properties.startFailureIsFatal(), false);
        return this;
    }

    /** Replaces one node's facts through a function of the current ones. */
    PlacementFixture facts(String node, java.util.function.UnaryOperator<NodeFacts> change) {
        facts.put(node, change.apply(facts.get(node)));
        return this;
    }

    PlacementFixture running(String node, String... primitiveIds) {
        return state(node, LocalState.STARTED, primitiveIds);
    }

    PlacementFixture state(String node, LocalState state, String... primitiveIds) {
        return facts(node, f -> {
            Map<String, LocalState> resources = new HashMap<>(f.resources());
            for (String id : primitiveIds) {
                resources.put(id, state);
            }
            return new NodeFacts(f.node(), f.role(), f.member(), f.clean(), f.standby(), f.configMatches(),
                    resources, f.failCounts(), f.attributes());
        });
    }

    PlacementFixture failCount(String node, String primitiveId, int count) {
        return facts(node, f -> {
            Map<String, Integer> counts = new HashMap<>(f.failCounts());
            counts.put(primitiveId, count);
            return new NodeFacts(f.node(), f.role(), f.member(), f.clean(), f.standby(), f.configMatches(),
                    f.resources(), counts, f.attributes());
        });
    }

    PlacementFixture attribute(String node, String key, String value) {
        return facts(node, f -> {
            Map<String, String> attributes = new HashMap<>(f.attributes());
            attributes.put(key, value);
            return new NodeFacts(f.node(), f.role(), f.member(), f.clean(), f.standby(), f.configMatches(),
                    f.resources(), f.failCounts(), attributes);
        });
    }

    PlacementFixture offline(String node) {
        return facts(node, f -> new NodeFacts(f.node(), f.role(), false, false, f.standby(), f.configMatches(),
                f.resources(), f.failCounts(), f.attributes()));
    }

    PlacementFixture configMismatch(String node) {
        return facts(node, f -> new NodeFacts(f.node(), f.role(), f.member(), f.clean(), f.standby(), false,
                f.resources(), f.failCounts(), f.attributes()));
    }

    PlacementInput input() {
        ResourceConfiguration resources = new ResourceConfiguration(primitives, groups, locations, colocations,
                List.of(), properties);
        return new PlacementInput(resources, nodes, facts, admin);
    }

    Map<String, UnitPlacement> place() {
        return new PlacementEngine().place(input());
    }

    Optional<String> nodeOf(String unit) {
        return place().get(unit).node();
    }
}
