package io.appliance.replication.engine;

import io.appliance.replication.wire.MalformedPacket;
import io.appliance.replication.wire.Packet;
import io.appliance.replication.wire.PacketDecoder;
import io.appliance.replication.wire.PacketEncoder;
import io.appliance.replication.wire.Ping;
import io.appliance.replication.wire.PingAck;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP side of one resource: the node whose name sorts lower connects to the peer (retrying
 * every connect-int), the other listens on its own address (a bind failure is reported and
 * retried). At most one channel at a time. Inbound packets are handed to the {@link Listener}
 * untouched (it releases them); Ping/PingAck and the ping-int/ping-timeout watchdog are handled
 * here. Netty threads never block: the listener must hand work to its own executor.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    /**
     * Callbacks, called on Netty event loops. Every channel passed to linkUp is later passed to
     * linkDown exactly once, also when {@link #stop()} closed it; after a stop a successor's linkUp
     * may come first, otherwise linkDown comes before the next channel's linkUp.
     */
    interface Listener {
        void linkUp(Channel channel, boolean outbound);

        void received(Channel channel, Packet packet);

        void linkDown(Channel channel);

        void writabilityChanged(Channel channel);

        void problem(String message);
    }

    /** Where and how to connect. */
    record Settings(String resource, boolean connector, InetSocketAddress local, InetSocketAddress remote,
                    long maxDataBytes, Duration connectInterval, Duration pingInterval, Duration pingTimeout) {}

    private final Settings settings;
    private final EventLoopGroup group;
    private final Listener listener;
    private final Object lock = new Object();
    private boolean running;
    private Channel serverChannel;
    private Channel channel;
    private ScheduledFuture<?> retry;

    PeerLink(Settings settings, EventLoopGroup group, Listener listener) {
        this.settings = settings;
        this.group = group;
        this.listener = listener;
    }

    void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
        }
        if (settings.connector()) {
            connect();
        } else {
            bind();
        }
    }

    /** Stops connecting/listening and closes the channel. Idempotent. */
    void stop() {
        Channel toClose;
        Channel server;
        synchronized (lock) {
            running = false;
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            toClose = channel;
            server = serverChannel;
            channel = null;
            serverChannel = null;
        }
        try {
            if (server != null) {
                server.close().syncUninterruptibly();
            }
            if (toClose != null) {
                toClose.close().syncUninterruptibly();
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("{}: event loops already stopped", settings.resource());
        }
    }

    private void connect() {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1000, settings.connectInterval().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .handler(initializer(true));
        if (settings.local() != null) {
            bootstrap.localAddress(new InetSocketAddress(settings.local().getAddress(), 0));
        }
        bootstrap.connect(settings.remote()).addListener((ChannelFuture future) -> {
            if (!future.isSuccess()) {
                log.debug("{}: connect to {} failed: {}", settings.resource(), settings.remote(), future.cause().toString());
                scheduleRetry(this::connect);
            }
        });
    }

    private void bind() {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childHandler(initializer(false));
        bootstrap.bind(settings.local()).addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                boolean keep;
                synchronized (lock) {
                    keep = running;
                    if (keep) {
                        serverChannel = future.channel();
                    }
                }
                if (!keep) {
                    future.channel().close();
                }
            } else {
                listener.problem("cannot listen on " + settings.local() + ": " + future.cause().getMessage());
                scheduleRetry(this::bind);
            }
        });
    }

    private void scheduleRetry(Runnable action) {
        synchronized (lock) {
            if (running) {
                retry = group.next().schedule(action, settings.connectInterval().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private static WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(2 << 20, 8 << 20);
    }

    private ChannelInitializer<SocketChannel> initializer(boolean outbound) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("decoder", new PacketDecoder(settings.maxDataBytes()))
                        .addLast("encoder", new PacketEncoder())
                        .addLast("link", new LinkHandler(outbound));
            }
        };
    }

    /** Owns one channel: admission, ping watchdog, hand-off of packets. */
    private final class LinkHandler extends ChannelInboundHandlerAdapter {
        private final boolean outbound;
        /** Reported to the listener by linkUp: it gets exactly one linkDown, whatever closed the channel. */
        private boolean admitted;
        private long lastReadNanos;
        private long pingSentNanos = -1;
        private ScheduledFuture<?> pingTimer;

        LinkHandler(boolean outbound) {
            this.outbound = outbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Admitted only once the previous channel's channelInactive has run: a closed channel stops
            // being active before its channelInactive fires on its own event loop, and a successor admitted
            // in between would leave the listener holding a session whose linkDown never comes.
            synchronized (lock) {
                admitted = running && channel == null;
                if (admitted) {
                    channel = ctx.channel();
                }
            }
            if (!admitted) {
                log.info("{}: refusing a second connection from {}", settings.resource(), ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            lastReadNanos = System.nanoTime();
            long interval = Math.max(1, settings.pingInterval().toNanos() / 2);
            pingTimer = ctx.executor().scheduleAtFixedRate(() -> checkPing(ctx), interval, interval, TimeUnit.NANOSECONDS);
            listener.linkUp(ctx.channel(), outbound);
        }

        private void checkPing(ChannelHandlerContext ctx) {
            long now = System.nanoTime();
            if (pingSentNanos >= 0) {
                if (now - pingSentNanos >= settings.pingTimeout().toNanos()) {
                    log.warn("{}: PingAck did not arrive in time", settings.resource());
                    listener.problem("PingAck did not arrive in time");
                    ctx.close();
                }
                return;
            }
            if (now - lastReadNanos >= settings.pingInterval().toNanos()) {
                pingSentNanos = now;
                ctx.writeAndFlush(new Ping());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastReadNanos = System.nanoTime();
            pingSentNanos = -1;
            if (msg instanceof Ping) {
                ctx.writeAndFlush(new PingAck());
            } else if (msg instanceof PingAck) {
                return;
            } else if (msg instanceof MalformedPacket malformed) {
                log.warn("{}: malformed packet from {}: {}", settings.resource(), ctx.channel().remoteAddress(),
                        malformed.reason());
                listener.problem("protocol error: " + malformed.reason());
                ctx.close();
            } else if (msg instanceof Packet packet) {
                listener.received(ctx.channel(), packet);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            listener.writabilityChanged(ctx.channel());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("{}: connection error: {}", settings.resource(), cause.toString());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (pingTimer != null) {
                pingTimer.cancel(false);
            }
            // linkDown before the slot frees: the listener hears of this channel's end before a successor's start
            if (admitted) {
                listener.linkDown(ctx.channel());
            }
            boolean reconnect;
            synchronized (lock) {
                boolean wasCurrent = channel == ctx.channel();
                if (wasCurrent) {
                    channel = null;
                }
                reconnect = running && outbound && wasCurrent;
            }
            if (reconnect) {
                scheduleRetry(PeerLink.this::connect);
            }
        }
    }
}
