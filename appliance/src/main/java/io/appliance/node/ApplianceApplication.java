package io.appliance.node;

import io.appliance.node.api.AclsResource;
import io.appliance.node.api.ApiAuthentication;
import io.appliance.node.api.LunsResource;
import io.appliance.node.api.NodeExceptionMapper;
import io.appliance.node.api.PoolsResource;
import io.appliance.node.api.RequestReader;
import io.appliance.node.api.StatusResource;
import io.appliance.node.api.TargetsResource;
import io.appliance.node.cluster.ClusterExceptionMapper;
import io.appliance.node.cluster.ClusterResource;
import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.lifecycle.ApiToken;
import io.appliance.node.lifecycle.ApplianceNode;
import io.appliance.node.lifecycle.IscsiPortalHealthCheck;
import io.appliance.node.lifecycle.LunHealthCheck;
import io.appliance.node.lifecycle.StartupBanner;
import io.appliance.node.replication.ReplicationExceptionMapper;
import io.appliance.node.replication.ReplicationResource;
import io.appliance.node.runtime.NodeLayout;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import java.io.PrintStream;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The appliance node as a Dropwizard application: {@code server} runs it, {@code check} validates
 * a configuration. Without a configuration file both use the embedded default
 * ({@link EmbeddedConfiguration}).
 */
public final class ApplianceApplication extends Application<ApplianceConfiguration> {

    private final PrintStream console;
    private volatile ApplianceNode node;

    public ApplianceApplication() {
        this(System.out);
    }

    /** @param console where the start banner goes */
    public ApplianceApplication(PrintStream console) {
        this.console = console;
    }

    @Override
    public String getName() {
        return "appliance";
    }

    @Override
    public void initialize(Bootstrap<ApplianceConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new EmbeddedConfiguration.SourceProvider(bootstrap.getConfigurationSourceProvider()));
    }

    @Override
    public void run(ApplianceConfiguration configuration, Environment environment) throws Exception {
        NodeLayout layout = new NodeLayout(configuration.getStateDirectory());
        Files.createDirectories(layout.stateDirectory());
        ApiToken.Loaded token = ApiToken.loadOrGenerate(layout.apiTokenFile(), new SecureRandom());
        ApplianceNode applianceNode = new ApplianceNode(configuration, layout, Clock.systemUTC());
        node = applianceNode;
        environment.lifecycle().manage(applianceNode);

        RequestReader requests = new RequestReader(environment.getObjectMapper(), environment.getValidator());
        environment.jersey().register(new StatusResource(applianceNode));
        environment.jersey().register(new TargetsResource(applianceNode::targets, requests));
        environment.jersey().register(new LunsResource(applianceNode::targets, requests));
        environment.jersey().register(new AclsResource(applianceNode::targets, requests));
        environment.jersey().register(new PoolsResource(applianceNode::targets, requests));
        environment.jersey().register(new ReplicationResource(applianceNode::replication));
        ClusterResource clusterResource = new ClusterResource(applianceNode::cluster, Clock.systemUTC());
        environment.jersey().register(clusterResource);
        // no whole-answer buffering for a Content-Length: the events stream must reach its client line by line
        environment.jersey().property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
        // an events stream lasts until its client leaves: end them all before Jetty waits for requests to finish
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                applianceNode.endReplicationEventStreams();
                clusterResource.endEventStreams();
            }
        });
        environment.jersey().register(new NodeExceptionMapper());
        environment.jersey().register(new ReplicationExceptionMapper());
        environment.jersey().register(new ClusterExceptionMapper());
        ApiAuthentication.providers(token.token()).forEach(environment.jersey()::register);

        environment.healthChecks().register("iscsi-portals", new IscsiPortalHealthCheck(applianceNode));
        environment.healthChecks().register("luns", new LunHealthCheck(applianceNode));

        Optional<String> newToken = token.generated() ? Optional.of(token.token()) : Optional.empty();
        environment.lifecycle().addServerLifecycleListener(server -> console.print(new StartupBanner(
                configuration.getNodeName(), applianceNode.boundPortals(), applianceNode.firstTargetAndLun(),
                restUrl(server, configuration.getServerFactory()), layout.apiTokenFile(), newToken).render()));
    }

    /** The node of the last {@link #run}; for tests and embedding. */
    public ApplianceNode node() {
        return node;
    }

    private static String restUrl(Server server, ServerFactory serverFactory) {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                String host = network.getHost();
                // a wildcard bind is reachable on loopback from this host
                String dial = host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")
                        ? "127.0.0.1" : host;
                String contextPath = serverFactory instanceof SimpleServerFactory simple
                        ? simple.getApplicationContextPath() : "/";
                String base = contextPath.endsWith("/") ? contextPath : contextPath + "/";
                return "http://" + (dial.contains(":") ? "[" + dial + "]" : dial) + ":" + network.getLocalPort() + base + "api/v1";
            }
        }
        return "(no HTTP connector)";
    }
}
