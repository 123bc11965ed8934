package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {

    private final RecordingAllocator alloc = new RecordingAllocator();
    private final List<Object> toRelease = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        toRelease.forEach(ReferenceCountUtil::release);
        toRelease.clear();
    }

    /** Releases what the test kept, then proves every buffer the allocator made is released. */
    private void assertNoLeaks() {
        releaseAll();
        alloc.assertAllReleased();
    }

    @Test
    void samplesCoverEveryCommand() {
        List<Packet> samples = SamplePackets.all(alloc);
        toRelease.addAll(samples);
        Set<Command> covered = samples.stream().map(Packet::command).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(EnumSet.allOf(Command.class));
    }

    @Test
    void commandCodesAreUniqueAndResolve() {
        for (Command command : Command.values()) {
            assertThat(Command.fromCode(command.code())).isSameAs(command);
        }
        assertThat(Command.fromCode(0)).isNull();
        assertThat(Command.fromCode(0xFFFF)).isNull();
        assertThat(Command.HELLO.code()).isEqualTo(1);
        assertThat(Command.PING_ACK.code()).isEqualTo(0x51);
        assertThat(Command.DATA.maxPayloadBytes(1 << 20)).isEqualTo(17 + (1 << 20));
        assertThat(Command.PING.maxPayloadBytes(1 << 20)).isZero();
    }

    @Test
    void everyPacketSurvivesARoundTripThroughEmbeddedChannels() {
        EmbeddedChannel encoder = channel(new PacketEncoder());
        EmbeddedChannel decoder = channel(new PacketDecoder(SamplePackets.MAX_DATA_BYTES));
        List<Packet> expected = SamplePackets.all(alloc);
        toRelease.addAll(expected);
        for (Packet packet : SamplePackets.all(alloc)) {
            assertThat(encoder.writeOutbound(packet)).isTrue();
            for (ByteBuf frame; (frame = encoder.readOutbound()) != null; ) {
                decoder.writeInbound(frame);
            }
        }
        List<Object> decoded = drainInbound(decoder);
        assertThat(decoded).containsExactlyElementsOf(expected);
        finish(encoder, decoder);
        assertNoLeaks();
    }

    @Test
    void feedingOneByteAtATimeDecodesTheSamePackets() {
        ByteBuf stream = encodeAll(SamplePackets.all(alloc));
        EmbeddedChannel decoder = channel(new PacketDecoder(SamplePackets.MAX_DATA_BYTES));
        while (stream.isReadable()) {
            decoder.writeInbound(alloc.buffer(1).writeByte(stream.readByte()));
        }
        stream.release();
        List<Packet> expected = SamplePackets.all(alloc);
        toRelease.addAll(expected);
        assertThat(drainInbound(decoder)).containsExactlyElementsOf(expected);
        finish(decoder);
        assertNoLeaks();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void feedingRandomSlicesDecodesTheSamePackets(long seed) {
        Random random = new Random(seed);
        ByteBuf stream = encodeAll(SamplePackets.all(alloc));
        EmbeddedChannel decoder = channel(new PacketDecoder(SamplePackets.MAX_DATA_BYTES));
        while (stream.isReadable()) {
            int length = Math.min(stream.readableBytes(), 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
            ByteBuf slice = alloc.buffer(length);
            stream.readBytes(slice, length);
            decoder.writeInbound(slice);
        }
        stream.release();
        List<Packet> expected = SamplePackets.all(alloc);
        toRelease.addAll(expected);
        assertThat(drainInbound(decoder)).containsExactlyElementsOf(expected);
        finish(decoder);
        assertNoLeaks();
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9, 10, 11, 12, 13, 14})
    void corruptedStreamsNeverThrowAndEndInAtMostOneMalformedPacket(long seed) {
        Random random = new Random(seed);
        ByteBuf stream = encodeAll(SamplePackets.all(alloc));
        for (int flips = 0; flips < 3; flips++) {
            int index = random.nextInt(stream.writerIndex());
            stream.setByte(index, stream.getByte(index) ^ (1 << random.nextInt(8)));
        }
        EmbeddedChannel decoder = channel(new PacketDecoder(SamplePackets.MAX_DATA_BYTES));
        while (stream.isReadable()) {
            int length = Math.min(stream.readableBytes(), 1 + random.nextInt(3000));
            ByteBuf slice = alloc.buffer(length);
            stream.readBytes(slice, length);
            decoder.writeInbound(slice);
        }
        stream.release();
        List<Object> decoded = drainInbound(decoder);
        long malformed = decoded.stream().filter(MalformedPacket.class::isInstance).count();
        assertThat(malformed).isLessThanOrEqualTo(1);
        if (malformed == 1) {
            assertThat(decoded.get(decoded.size() - 1)).isInstanceOf(MalformedPacket.class);
        }
        assertThat(decoded.subList(0, decoded.size() - (int) malformed)).allMatch(Packet.class::isInstance);
        finish(decoder);
        assertNoLeaks();
    }

    @Test
    void encoderWritesTheDataAsASecondBufferWithoutCopying() {
        byte[] block = SamplePackets.bytes(4096, 9);
        ByteBuf data = Unpooled.wrappedBuffer(block);
        EmbeddedChannel encoder = channel(new PacketEncoder());
        encoder.writeOutbound(new Data(5, 4096, false, data));
        ByteBuf header = encoder.readOutbound();
        ByteBuf body = encoder.readOutbound();
        assertThat(header.readableBytes()).isEqualTo(WireFormat.HEADER_BYTES + 17);
        assertThat(header.getInt(0)).isEqualTo(WireFormat.MAGIC);
        assertThat(header.getUnsignedShort(4)).isEqualTo(Command.DATA.code());
        assertThat(header.getUnsignedShort(6)).isZero();
        assertThat(header.getInt(8)).isEqualTo(17 + 4096);
        assertThat(body.hasArray()).isTrue();
        assertThat(body.array()).isSameAs(block);
        assertThat(data.refCnt()).as("the body holds the packet's only reference").isEqualTo(1);
        header.release();
        body.release();
        assertThat(data.refCnt()).isZero();
        assertThat(encoder.<Object>readOutbound()).isNull();
        finish(encoder);
        assertNoLeaks();
    }

    @Test
    void decodedDataIsASliceOfTheReceivedBytesOwnedByThePacket() {
        ByteBuf stream = encodeAll(List.of(new Data(1, 0, false, SamplePackets.data(alloc, 1024, 1))));
        EmbeddedChannel decoder = channel(new PacketDecoder(SamplePackets.MAX_DATA_BYTES));
        decoder.writeInbound(stream);
        Data decoded = decoder.readInbound();
        assertThat(decoded.refCnt()).isEqualTo(1);
        assertThat(decoded.data().unwrap()).as("a slice, not a copy").isNotNull();
        assertThat(decoded.toString()).isEqualTo("Data[sequence=1, offset=0, fua=false, dataBytes=1024]");
        assertThat(decoded.release()).isTrue();
        assertThat(decoded.toString()).contains("released");
        finish(decoder);
        assertNoLeaks();
    }

    @Test
    void everyPacketCrossesARealLoopbackConnection() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Channel server = null;
        Channel client = null;
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new PacketCodec(SamplePackets.MAX_DATA_BYTES),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            received.add(msg);
                                        }
                                    });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new PacketCodec(SamplePackets.MAX_DATA_BYTES))
                    .connect(server.localAddress()).sync().channel();
            List<Packet> toSend = SamplePackets.all(alloc);
            for (Packet packet : toSend) {
                client.write(packet);
            }
            assertThat(client.writeAndFlush(new Ping()).await(10, TimeUnit.SECONDS)).isTrue();
            List<Packet> expected = new ArrayList<>(SamplePackets.all(alloc));
            expected.add(new Ping());
            toRelease.addAll(expected);
            List<Object> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                Object packet = received.poll(10, TimeUnit.SECONDS);
                assertThat(packet).as("packet %d of %d", i, expected.size()).isNotNull();
                got.add(packet);
            }
            toRelease.addAll(got);
            assertThat(got).containsExactlyElementsOf(expected);
            for (Packet packet : toSend) {
                if (packet instanceof DataPacket dataPacket) {
                    assertThat(dataPacket.refCnt()).as("released by the encoder").isZero();
                }
            }
        } finally {
            if (client != null) {
                client.close().await(5, TimeUnit.SECONDS);
            }
            if (server != null) {
                server.close().await(5, TimeUnit.SECONDS);
            }
            assertThat(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void packetCodecIsOneHandlerForBothDirections() {
        EmbeddedChannel channel = channel(new PacketCodec(SamplePackets.MAX_DATA_BYTES));
        channel.writeOutbound(new Flush(77));
        ByteBuf frame = channel.readOutbound();
        channel.writeInbound(frame);
        assertThat(channel.<Object>readInbound()).isEqualTo(new Flush(77));
        finish(channel);
        assertNoLeaks();
    }

    @Test
    void maxDataBytesIsValidated() {
        assertThatThrownBy(() -> new PacketDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketDecoder(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketDecoder(256L * 1024 * 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PacketDecoder(1 << 20).maxDataBytes()).isEqualTo(1 << 20);
    }

    private ByteBuf encodeAll(List<Packet> packets) {
        EmbeddedChannel encoder = channel(new PacketEncoder());
        ByteBuf stream = alloc.buffer();
        for (Packet packet : packets) {
            encoder.writeOutbound(packet);
            for (ByteBuf frame; (frame = encoder.readOutbound()) != null; ) {
                stream.writeBytes(frame);
                frame.release();
            }
        }
        finish(encoder);
        return stream;
    }

    private EmbeddedChannel channel(io.netty.channel.ChannelHandler handler) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handler);
        return channel;
    }

    private List<Object> drainInbound(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            out.add(msg);
        }
        toRelease.addAll(out);
        return out;
    }

    private static void finish(EmbeddedChannel... channels) {
        for (EmbeddedChannel channel : channels) {
            assertThat(channel.finishAndReleaseAll()).as("nothing left in %s", channel).isFalse();
        }
    }
}
