package io.appliance.iscsi.session;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.server.IscsiServer;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.TargetRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running {@link IscsiServer} on 127.0.0.1 with one open-access target over a {@link FakeScsiDevice}. */
public final class TargetFixture implements AutoCloseable {

    public static final String TARGET = "iqn.2024-01.io.appliance:target";

    public final FakeScsiDevice device = new FakeScsiDevice();
    public final TargetRegistry registry = new TargetRegistry();
    public final IscsiServer server;
    public final InetSocketAddress address;
    private final EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<TestInitiator> initiators = new ArrayList<>();

    public TargetFixture(IscsiServerSettings settings) throws IOException {
        registry.put(new IscsiTarget(TARGET, "", 1, List.of(), true, List.of(), device));
        server = new IscsiServer(registry, settings);
        address = server.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    public TargetFixture() throws IOException {
        this(settings(TargetLimits.defaults(), Duration.ZERO));
    }

    public static IscsiServerSettings settings(TargetLimits limits, Duration nopInInterval) {
        return new IscsiServerSettings(limits, 256, nopInInterval, Duration.ofSeconds(15), Duration.ofSeconds(15),
                Duration.ofSeconds(2), Clock.systemUTC());
    }

    public TestInitiator connect() throws InterruptedException {
        TestInitiator initiator = TestInitiator.connect(clientLoops, address);
        initiators.add(initiator);
        return initiator;
    }

    @Override
    public void close() {
        for (TestInitiator initiator : initiators) {
            initiator.close();
        }
        server.close();
        device.close();
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
