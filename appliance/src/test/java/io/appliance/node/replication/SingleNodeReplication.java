package io.appliance.node.replication;

import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.runtime.FakeVolumeManager;
import io.appliance.node.runtime.NodeLayout;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link ReplicationManager} of node1 with resource r0 on a temporary file; its peer node2
 * never answers (a free port nobody listens on), so r0 stays Connecting: enough for the verbs that
 * work alone (create-md, up, primary --force, down) and for the refusals.
 */
final class SingleNodeReplication implements AutoCloseable {

    static final long DISK_BYTES = 8L << 20;

    final ExecutorService ioExecutor = Executors.newFixedThreadPool(2);
    final ReplicationManager manager;
    final Path disk;

    SingleNodeReplication(Path stateDirectory, boolean autoUp) throws Exception {
        disk = stateDirectory.resolve("disks/r0.img");
        String yaml = """
                nodeName: node1
                replication:
                  autoUp: %s
                  resources:
                    - name: r0
                      connect-int: 2s
                      timeout: 1s
                      hosts:
                        - name: node1
                          disk: disks/r0.img
                          size: %d
                          address: 127.0.0.1:%d
                        - name: node2
                          disk: disks/r0.img
                          address: 127.0.0.1:%d
                """.formatted(autoUp, DISK_BYTES, freePort(), freePort());
        ConfigurationSourceProvider source = path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
        ApplianceConfiguration configuration = new DefaultConfigurationFactoryFactory<ApplianceConfiguration>()
                .create(ApplianceConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(source, "node1.yml");
        manager = ReplicationManager.start("node1", configuration.getReplication(), new NodeLayout(stateDirectory),
                Clock.systemUTC(), ioExecutor, new FakeVolumeManager(stateDirectory.resolve("lvm"), ioExecutor));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        manager.close();
        ioExecutor.shutdown();
        if (!ioExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("I/O threads did not stop");
        }
    }
}
