package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRegistryTest {

    @TempDir
    Path stateDirectory;

    private AgentRegistry builtins() {
        return new AgentRegistry(BuiltinAgents.factories(stateDirectory, new ScriptedCommandRunner()));
    }

    @Test
    void builtinsCoverTheirCanonicalTypesAndEveryLsbService() {
        AgentRegistry registry = builtins();

        assertThat(registry.types()).containsExactlyInAnyOrder("IPaddr2", "portblock", "Dummy", "Filesystem", "lsb:*");
        assertThat(registry.supports("lsb:httpd")).isTrue();
        assertThat(registry.supports("lsb:")).isFalse();
        assertThat(registry.supports("replicated-disk")).isFalse();
    }

    @Test
    void createPicksTheAgentOfTheType() {
        AgentRegistry registry = builtins();

        assertThat(registry.create(PrimitiveDefinition.of("vip", "IPaddr2", Map.of("ip", "10.0.0.1"))))
                .isInstanceOf(IpAddr2Agent.class);
        assertThat(registry.create(PrimitiveDefinition.of("pb", "portblock",
                Map.of("ip", "10.0.0.1", "portno", "3260", "action", "block")))).isInstanceOf(PortBlockAgent.class);
        assertThat(registry.create(PrimitiveDefinition.of("d", "ocf:pacemaker:Dummy", Map.of())))
                .isInstanceOf(DummyAgent.class);
        assertThat(registry.create(PrimitiveDefinition.of("fs", "Filesystem",
                Map.of("device", "/dev/drbd1", "directory", "/data", "fstype", "ext4")))).isInstanceOf(FilesystemAgent.class);
        assertThat(registry.create(PrimitiveDefinition.of("web", "lsb:httpd", Map.of()))).isInstanceOf(LsbAgent.class);
    }

    @Test
    void theDummyStateFileDefaultsToTheStateDirectory() throws Exception {
        ResourceAgent agent = builtins().create(PrimitiveDefinition.of("d1", "Dummy", Map.of()));

        agent.start();

        assertThat(stateDirectory.resolve("cluster/dummy-d1.state")).exists();
    }

    @Test
    void anUnknownTypeIsRefusedWithTheKnownOnes() {
        List<ResourceAgentFactory> factories = new ArrayList<>(BuiltinAgents.factories(stateDirectory,
                new ScriptedCommandRunner()));
        factories.removeIf(f -> f.types().contains("Dummy"));
        AgentRegistry registry = new AgentRegistry(factories);

        assertThatThrownBy(() -> registry.create(PrimitiveDefinition.of("d", "Dummy", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no resource agent for type Dummy")
                .hasMessageContaining("IPaddr2");
    }

    @Test
    void twoFactoriesForOneTypeAreRefused() {
        ResourceAgentFactory extra = new ResourceAgentFactory() {
            @Override
            public Set<String> types() {
                return Set.of("Dummy");
            }

            @Override
            public ResourceAgent create(PrimitiveDefinition resource) {
                throw new UnsupportedOperationException();
            }
        };
        List<ResourceAgentFactory> factories = new ArrayList<>(BuiltinAgents.factories(stateDirectory,
                new ScriptedCommandRunner()));
        factories.add(extra);

        assertThatThrownBy(() -> new AgentRegistry(factories)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two agent factories for resource type Dummy");
    }
}
