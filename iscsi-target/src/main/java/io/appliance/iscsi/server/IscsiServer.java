package io.appliance.iscsi.server;

import io.appliance.iscsi.login.SessionType;
import io.appliance.iscsi.session.IscsiConnection;
import io.appliance.iscsi.session.IscsiSession;
import io.appliance.iscsi.session.SessionServices;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iSCSI service of one node: listens on portals, runs logins and sessions on Netty event
 * loops (epoll where available) and serves the targets of a {@link TargetRegistry}.
 *
 * <p>Contract: {@code bind}, {@code unbind} and {@code close} block until done and must not be
 * called from an event loop; {@code sessions} and {@code boundAddresses} may be called from any
 * thread. {@code close} is idempotent: it asks every session to log out (Async Message, RFC 7143
 * §11.9.1), waits up to {@link IscsiServerSettings#shutdownGrace()}, then closes what is left.
 */
public final class IscsiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiServer.class);
    private static final Duration EVENT_LOOP_SHUTDOWN = Duration.ofSeconds(5);
    /** Bytes queued for one initiator before its connection stops reading new commands. */
    private static final WriteBufferWaterMark OUTPUT_BACKLOG = new WriteBufferWaterMark(4 << 20, 16 << 20);

    private final IscsiServerSettings settings;
    private final SessionServices services;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannelType;
    private final boolean epoll;
    private final ChannelGroup connections = new DefaultChannelGroup("iscsi-connections", GlobalEventExecutor.INSTANCE);
    private final Map<InetSocketAddress, Channel> listeners = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public IscsiServer(TargetRegistry registry, IscsiServerSettings settings) {
        Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.services = SessionServices.create(registry, settings.sessionSettings());
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("iscsi-accept", true), ioHandlers);
        this.workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("iscsi-io", true), ioHandlers);
    }

    /** Starts listening on a portal (address may be 0.0.0.0). Returns the bound address. */
    public InetSocketAddress bind(Portal portal) throws IOException {
        return bind(new InetSocketAddress(portal.address(), portal.port()));
    }

    /** Starts listening on an address; port 0 binds an ephemeral port. Returns the bound address. */
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        return bind(address, false);
    }

    /**
     * Starts listening on an address; with {@code freebind} the address need not be configured on
     * this host yet (Linux IP_FREEBIND, ip(7)): a cluster binds the portal of a virtual IP before the
     * IP is added. IP_FREEBIND needs the epoll transport; without it, a freebind of an address that
     * is not local fails with an {@link IOException} saying so.
     */
    public InetSocketAddress bind(InetSocketAddress address, boolean freebind) throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("the iSCSI server is closed");
        }
        if (freebind && !epoll && !isLocal(address.getAddress())) {
            throw new IOException("cannot listen on " + address + ": the address is not configured on this host and"
                    + " binding it in advance needs IP_FREEBIND, which needs Netty's epoll transport (not available: "
                    + Epoll.unavailabilityCause() + ")");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(serverChannelType)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, OUTPUT_BACKLOG)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        if (!channel.parent().isOpen()) {
                            // accepted while unbind closed its listener, after unbind looked at the connections
                            channel.close();
                            return;
                        }
                        IscsiConnection.initialize(channel, services);
                    }
                });
        if (freebind && epoll) {
            bootstrap.option(EpollChannelOption.IP_FREEBIND, true);
        }
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
        }
        Channel listener = bound.channel();
        listeners.put(address, listener);
        InetSocketAddress local = (InetSocketAddress) listener.localAddress();
        LOG.info("iSCSI portal listening on {}", local);
        return local;
    }

    /** Stops listening on a portal; sessions that came in through it keep running. */
    public void unbind(Portal portal) {
        unbind(new InetSocketAddress(portal.address(), portal.port()));
    }

    /** Stops listening on an address given to {@link #bind(InetSocketAddress)}. */
    public void unbind(InetSocketAddress address) {
        unbind(address, false);
    }

    /**
     * Stops listening on an address given to {@code bind}; with {@code closeConnections} every
     * connection accepted on that listener is closed too (its session ends as on a lost connection),
     * as a cluster does when the portal's address moves to another node. Returns how many
     * connections were closed.
     */
    public int unbind(InetSocketAddress address, boolean closeConnections) {
        Channel listener = listeners.remove(address);
        if (listener == null) {
            return 0;
        }
        listener.close().awaitUninterruptibly();
        if (!closeConnections) {
            return 0;
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel connection : connections) {
            // an accepted channel's parent is the listener that accepted it
            if (connection.parent() == listener) {
                closing.add(connection.close());
            }
        }
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(EVENT_LOOP_SHUTDOWN.toMillis());
        }
        if (!closing.isEmpty()) {
            LOG.info("Closed {} iSCSI connection(s) that came in on {}", closing.size(), address);
        }
        return closing.size();
    }

    /** True for the wildcard address and for an address configured on one of this host's interfaces. */
    private static boolean isLocal(InetAddress address) {
        if (address == null || address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return address != null;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Channel listener : listeners.values()) {
            if (listener.isActive()) {
                addresses.add((InetSocketAddress) listener.localAddress());
            }
        }
        return addresses;
    }

    public List<SessionInfo> sessions() {
        List<SessionInfo> sessions = new ArrayList<>();
        for (IscsiSession session : services.sessions().all()) {
            sessions.add(new SessionInfo(session.initiatorName(), String.format("%012x", session.isid()),
                    session.tsih(), session.targetName(),
                    session.sessionType() == SessionType.DISCOVERY ? "Discovery" : "Normal",
                    session.connectionAddresses()));
        }
        return sessions;
    }

    /** Sends every session an Async Message (logout requested), waits up to shutdownGrace for logouts, closes everything. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (InetSocketAddress address : List.copyOf(listeners.keySet())) {
            unbind(address);
        }
        List<IscsiSession> live = services.sessions().all();
        if (!live.isEmpty()) {
            Duration grace = settings.shutdownGrace();
            int seconds = (int) Math.min(0xFFFF, (grace.toMillis() + 999) / 1000);
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            for (IscsiSession session : live) {
                session.requestLogout(seconds);
                ends.add(session.terminated());
            }
            awaitAll(ends, grace);
            for (IscsiSession session : services.sessions().all()) {
                session.close();
            }
        }
        connections.close().awaitUninterruptibly(EVENT_LOOP_SHUTDOWN.toMillis());
        workers.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(EVENT_LOOP_SHUTDOWN.toMillis() * 2);
        acceptors.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(EVENT_LOOP_SHUTDOWN.toMillis() * 2);
        LOG.info("iSCSI server closed");
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, Duration limit) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("sessions still logged in after {}; closing them", limit);
        } catch (ExecutionException e) {
            LOG.debug("a session ended abnormally during shutdown", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
