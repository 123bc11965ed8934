package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.node.cluster.ClusterConfiguration;
import io.appliance.node.replication.ReplicationConfiguration;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration file of one appliance node (every field is described in docs/operations.md).
 *
 * <ul>
 *   <li>{@code nodeName}: how this node calls itself in status output and logs; default: the host
 *       name.
 *   <li>{@code stateDirectory}: where the node keeps {@code appliance.db}, {@code api-token} and, by
 *       default, LUN files; default: {@code $APPLIANCE_HOME} if set, else {@code ./var}.
 *   <li>{@code iscsi}: the iSCSI service, see {@link IscsiConfiguration}.
 *   <li>{@code seed}: targets created when the state database has none, see {@link SeedConfiguration}.
 *   <li>{@code lvm}: pools and volumes, see {@link LvmConfiguration}.
 *   <li>{@code replication}: replicated disks (DRBD-style resources), see {@link ReplicationConfiguration}.
 *   <li>{@code cluster} (optional): high availability with the other nodes, see {@link ClusterConfiguration};
 *       absent = a single node.
 * </ul>
 */
@SelfValidating
public class ApplianceConfiguration extends Configuration {

    private static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    /** The environment variable that moves the default state directory. */
    public static final String APPLIANCE_HOME = "APPLIANCE_HOME";

    @NotNull
    @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}", message = "must be 1..63 letters, digits, '.', '_' or '-'")
    @JsonProperty
    private String nodeName = defaultNodeName();

    @NotNull
    @JsonProperty
    private Path stateDirectory = defaultStateDirectory(System.getenv());

    @Valid
    @NotNull
    @JsonProperty
    private IscsiConfiguration iscsi = new IscsiConfiguration();

    @Valid
    @NotNull
    @JsonProperty
    private SeedConfiguration seed = new SeedConfiguration();

    @Valid
    @NotNull
    @JsonProperty
    private LvmConfiguration lvm = new LvmConfiguration();

    @Valid
    @NotNull
    @JsonProperty
    private ReplicationConfiguration replication = new ReplicationConfiguration();

    @Valid
    @JsonProperty
    private ClusterConfiguration cluster;

    public ApplianceConfiguration() {
        setServerFactory(loopbackServer());
    }

    /**
     * The server used when the file has no {@code server} section: the REST API and the admin pages
     * on 127.0.0.1:8080 only. Dropwizard's own default would listen on every interface (8080 and an
     * unauthenticated admin port 8081), which a storage node must not do unless the admin asks.
     */
    static SimpleServerFactory loopbackServer() {
        HttpConnectorFactory connector = new HttpConnectorFactory();
        connector.setBindHost("127.0.0.1");
        connector.setPort(8080);
        SimpleServerFactory server = new SimpleServerFactory();
        server.setConnector(connector);
        server.setApplicationContextPath("/");
        server.setAdminContextPath("/admin");
        return server;
    }

    public String getNodeName() {
        return nodeName;
    }

    public Path getStateDirectory() {
        return stateDirectory;
    }

    public IscsiConfiguration getIscsi() {
        return iscsi;
    }

    public SeedConfiguration getSeed() {
        return seed;
    }

    public LvmConfiguration getLvm() {
        return lvm;
    }

    public ReplicationConfiguration getReplication() {
        return replication;
    }

    /** The {@code cluster} section; empty when the node runs alone. */
    public Optional<ClusterConfiguration> getCluster() {
        return Optional.ofNullable(cluster);
    }

    /** A node of a cluster must be one of {@code cluster.nodes} (under its {@code nodeName}). */
    @SelfValidation
    public void checkClusterMembership(ViolationCollector violations) {
        if (cluster != null) {
            cluster.nodeNames().filter(names -> nodeName != null && !names.contains(nodeName))
                    .ifPresent(names -> violations.addViolation("cluster.nodes: this node's nodeName " + nodeName
                            + " is not one of the cluster's nodes (" + String.join(", ", names) + "); add it or fix nodeName"));
        }
    }

    /** {@code $APPLIANCE_HOME} when set and not blank, else {@code ./var}. */
    public static Path defaultStateDirectory(Map<String, String> environment) {
        String home = environment.get(APPLIANCE_HOME);
        return home == null || home.isBlank() ? Path.of("var") : Path.of(home);
    }

    /** The kernel's host name without its domain (no DNS lookup); {@code node} when unknown. */
    private static String defaultNodeName() {
        String host;
        try {
            host = Files.readString(KERNEL_HOST_NAME).strip();
        } catch (IOException | RuntimeException e) {
            host = "";
        }
        int dot = host.indexOf('.');
        String shortName = dot > 0 ? host.substring(0, dot) : host;
        return shortName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}") ? shortName : "node";
    }
}
