package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.agent.AgentResult;
import io.appliance.cluster.agent.OcfStatus;
import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.replication.ReplicationManager;
import io.appliance.node.runtime.FakeVolumeManager;
import io.appliance.node.runtime.NodeLayout;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.state.Role;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicated-disk agent over a real replication engine of node1 whose peer never answers. */
class ReplicatedDiskAgentTest {

    @TempDir
    Path stateDirectory;

    private final ExecutorService ioExecutor = Executors.newFixedThreadPool(2);
    private ReplicationManager manager;

    @BeforeEach
    void start() throws Exception {
        String yaml = """
                nodeName: node1
                replication:
                  autoUp: false
                  resources:
                    - name: r0
                      connect-int: 2s
                      timeout: 1s
                      hosts:
                        - {name: node1, disk: disks/r0.img, size: 8388608, address: "127.0.0.1:%d"}
                        - {name: node2, disk: disks/r0.img, address: "127.0.0.1:%d"}
                """.formatted(freePort(), freePort());
        ApplianceConfiguration configuration = new DefaultConfigurationFactoryFactory<ApplianceConfiguration>()
                .create(ApplianceConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "node1.yml");
        manager = ReplicationManager.start("node1", configuration.getReplication(), new NodeLayout(stateDirectory),
                Clock.systemUTC(), ioExecutor, new FakeVolumeManager(stateDirectory.resolve("lvm"), ioExecutor));
    }

    @AfterEach
    void stop() throws Exception {
        manager.close();
        ioExecutor.shutdown();
        assertThat(ioExecutor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void startPromotesOnlyUpToDateDataStopDemotesMonitorReportsTheRole() throws Exception {
        ReplicatedDiskAgent agent = new ReplicatedDiskAgent("r0", manager::resource);
        ReplicatedResource r0 = manager.resource("r0").orElseThrow();
        r0.createMetadata(false);
        r0.up();
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);

        AgentResult refused = agent.start();
        assertThat(refused.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(refused.reason()).contains("UpToDate");
        assertThat(r0.status().role()).isEqualTo(Role.SECONDARY);

        r0.primary(true);
        assertThat(agent.monitor().isOk()).isTrue();
        assertThat(new ReplicationAttributes(manager::resources).current()).isEqualTo(Map.of("replicated-disk:r0", "UpToDate"));

        assertThat(agent.stop().isOk()).isTrue();
        assertThat(r0.status().role()).isEqualTo(Role.SECONDARY);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop().isOk()).as("stop is idempotent").isTrue();

        assertThat(agent.start().isOk()).as("UpToDate data promotes without force").isTrue();
        assertThat(agent.start().isOk()).as("start is idempotent").isTrue();
        assertThat(r0.status().role()).isEqualTo(Role.PRIMARY);
        assertThat(agent.stop().isOk()).isTrue();
    }

    @Test
    void unknownResourceIsNotConfigured() throws Exception {
        ReplicatedDiskAgent agent = new ReplicatedDiskAgent("r9", manager::resource);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(agent.monitor().reason()).contains("no replicated disk r9");
        assertThat(agent.start().status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(agent.stop().isOk()).isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
