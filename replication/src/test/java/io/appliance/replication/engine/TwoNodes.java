package io.appliance.replication.engine;


import io.appliance.config.replication.MetaDisk;
import io.appliance.config.replication.ResourceDefinition;
import io.appliance.config.replication.ResourceHost;
import io.appliance.config.replication.ResourceOptions;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationEnvironment;
import io.appliance.replication.ReplicationNode;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Two ReplicationNodes in one JVM on 127.0.0.1 (free ports), backing files in a temp directory,
 * real Netty event loops. Each node has its own event loop group so that one can be killed.
 */
final class TwoNodes implements AutoCloseable {
    static final String RESOURCE = "r0";
    static final Duration WAIT = Duration.ofSeconds(15);

    final Path dir;
    final long backingBytes;
    final ExecutorService ioThreads = Executors.newFixedThreadPool(4);
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final AtomicBoolean node1Failing = new AtomicBoolean();
    /** Node1's backing writes (metadata included) start this late (zero: at once). */
    final AtomicReference<Duration> node1WriteDelay = new AtomicReference<>(Duration.ZERO);
    /** Node2's backing writes start this late (zero: at once). */
    final AtomicReference<Duration> node2WriteDelay = new AtomicReference<>(Duration.ZERO);
    private final int port1;
    private final int port2;
    private final ResourceOptions options1;
    private final ResourceOptions options2;
    EventLoopGroup loops1;
    EventLoopGroup loops2;
    ReplicationNode node1;
    ReplicationNode node2;
    ReplicatedResource r1;
    ReplicatedResource r2;

    TwoNodes(Path dir, long backingBytes, ResourceOptions options) {
        this(dir, backingBytes, options, options);
    }

    TwoNodes(Path dir, long backingBytes, ResourceOptions options1, ResourceOptions options2) {
        this.dir = dir;
        this.backingBytes = backingBytes;
        this.options1 = options1;
        this.options2 = options2;
        int[] ports = twoFreePorts();
        this.port1 = ports[0];
        this.port2 = ports[1];
        try {
            FileBlockDevice.create(file(1), backingBytes, 512, ioThreads).close();
            FileBlockDevice.create(file(2), backingBytes, 512, ioThreads).close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startNode1();
        startNode2();
    }

    static ResourceOptions.Builder fastOptions() {
        return ResourceOptions.builder().connectInterval(Duration.ofSeconds(1)).pingInterval(Duration.ofSeconds(1))
                .pingTimeout(Duration.ofMillis(700)).timeout(Duration.ofMillis(900)).alExtents(61);
    }

    Path file(int node) {
        return dir.resolve("node" + node + ".img");
    }

    private ResourceDefinition definition(ResourceOptions options) {
        return new ResourceDefinition(RESOURCE, List.of(
                new ResourceHost("node1", file(1).toString(), Optional.empty(), "127.0.0.1", port1, MetaDisk.internal(),
                        OptionalInt.empty()),
                new ResourceHost("node2", file(2).toString(), Optional.empty(), "127.0.0.1", port2, MetaDisk.internal(),
                        OptionalInt.empty())), options);
    }

    void startNode1() {
        loops1 = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        node1 = new ReplicationNode("node1", environment(loops1, disk -> {
            BlockDevice device = FileBlockDevice.open(Path.of(disk), 512, false, ioThreads);
            long dataBytes = io.appliance.replication.meta.MetadataLayout.internal(device.size(), options1.alExtents())
                    .dataBytes();
            return new FaultyBlockDevice(device, node1Failing, dataBytes, node1WriteDelay);
        }));
        r1 = node1.add(definition(options1));
    }

    void startNode2() {
        loops2 = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        node2 = new ReplicationNode("node2", environment(loops2, disk -> new FaultyBlockDevice(
                FileBlockDevice.open(Path.of(disk), 512, false, ioThreads), new AtomicBoolean(), 0, node2WriteDelay)));
        r2 = node2.add(definition(options2));
    }

    private ReplicationEnvironment environment(EventLoopGroup loops, io.appliance.replication.BackingOpener opener) {
        return new ReplicationEnvironment(Clock.systemUTC(), loops, scheduler, opener, new SecureRandom());
    }

    /** create-md on both, up on both, Connected. */
    void createAndConnect() {
        r1.createMetadata(false);
        r2.createMetadata(false);
        r1.up();
        r2.up();
        awaitBoth(s -> s.connection() == ConnectionState.CONNECTED);
    }

    /** create-md, up, primary --force on node1 and the full initial sync to UpToDate/UpToDate. */
    void initialSync() {
        createAndConnect();
        r1.primary(true);
        awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE
                && s.replication() == ReplicationState.ESTABLISHED);
    }

    static ResourceStatus awaitStatus(ReplicatedResource resource, Predicate<ResourceStatus> condition) {
        org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> condition.test(resource.status()));
        return resource.status();
    }

    /** Fails with both nodes' last status, so that a resync that never ends says where it stopped. */
    void awaitBoth(Predicate<ResourceStatus> condition) {
        try {
            org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> condition.test(r1.status()) && condition.test(r2.status()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("condition not met within " + WAIT + "; node1: " + r1.status() + "; node2: "
                    + r2.status(), e);
        }
    }

    /** The first {@code bytes} of a node's backing file. */
    byte[] data(int node, long bytes) {
        try (FileChannel channel = FileChannel.open(file(node), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
            long position = 0;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                position += read;
            }
            return buffer.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes behind replication's back into a node's backing file. */
    void scribble(int node, long offset, byte[] bytes) {
        try (FileChannel channel = FileChannel.open(file(node), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void join(CompletableFuture<?> future) {
        try {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("I/O did not complete: " + e, e);
        }
    }

    /** Kill-like stop of node1: its network dies at once, its engine stops without a clean shutdown. */
    void killNode1() {
        ((ResourceEngine) r1).close();
        loops1.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Two different free ports: both sockets are held open together, so the kernel cannot hand out one twice. */
    private static int[] twoFreePorts() {
        try (ServerSocket first = new ServerSocket(0); ServerSocket second = new ServerSocket(0)) {
            return new int[] {first.getLocalPort(), second.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeNode(node1, loops1);
        closeNode(node2, loops2);
        scheduler.shutdownNow();
        ioThreads.shutdownNow();
    }

    private static void closeNode(ReplicationNode node, EventLoopGroup loops) {
        if (node != null) {
            node.close();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
