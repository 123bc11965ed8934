package io.appliance.iscsi.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.login.TextParameter;
import io.appliance.iscsi.login.TextParameters;
import io.appliance.iscsi.pdu.AsyncMessage;
import io.appliance.iscsi.pdu.DataIn;
import io.appliance.iscsi.pdu.IscsiPdu;
import io.appliance.iscsi.pdu.LoginRequest;
import io.appliance.iscsi.pdu.LoginResponse;
import io.appliance.iscsi.pdu.LogoutResponse;
import io.appliance.iscsi.pdu.NopIn;
import io.appliance.iscsi.pdu.NopOut;
import io.appliance.iscsi.pdu.PduDecoder;
import io.appliance.iscsi.pdu.PduEncoder;
import io.appliance.iscsi.pdu.Reject;
import io.appliance.iscsi.pdu.ScsiCommandPdu;
import io.appliance.iscsi.pdu.ScsiResponsePdu;
import io.appliance.iscsi.pdu.TaskManagementResponse;
import io.appliance.iscsi.pdu.TextResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted iSCSI initiator over a real socket, for protocol tests: sends typed PDUs (or raw
 * bytes), receives decoded target PDUs into a queue, and keeps CmdSN/ExpStatSN like an initiator.
 * Every received PDU is released at {@link #close()}.
 */
public final class TestInitiator implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(5);
    public static final String INITIATOR = "iqn.2024-01.io.appliance:initiator";

    private final Channel channel;
    private final BlockingQueue<Object> inbox;
    private final List<Object> received = new ArrayList<>();
    private final PduDecoder decoder;
    private final PduEncoder encoder;
    public int cmdSn = 1;
    public int expStatSn;
    private int nextTag = 0x100;

    private TestInitiator(Channel channel, BlockingQueue<Object> inbox, PduDecoder decoder, PduEncoder encoder) {
        this.channel = channel;
        this.inbox = inbox;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    public static TestInitiator connect(EventLoopGroup group, InetSocketAddress address) throws InterruptedException {
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        PduDecoder decoder = PduDecoder.forInitiator(0xFFFFFF);
        PduEncoder encoder = new PduEncoder();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(decoder, encoder, new SimpleChannelInboundHandler<Object>(false) {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object message) {
                                inbox.add(message);
                            }
                        });
                    }
                })
                .connect(address).sync().channel();
        return new TestInitiator(channel, inbox, decoder, encoder);
    }

    public int newTag() {
        return nextTag++;
    }

    public void send(IscsiPdu pdu) {
        channel.writeAndFlush(pdu).syncUninterruptibly();
    }

    public void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    /** The next PDU (or InvalidPdu) from the target, failing after {@link #WAIT}. */
    public Object next() throws InterruptedException {
        Object message = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(message).as("a PDU from the target within " + WAIT).isNotNull();
        received.add(message);
        if (message instanceof IscsiPdu pdu) {
            int statSn = statSnOf(pdu);
            if (statSn != -1) {
                expStatSn = statSn + 1;
            }
        }
        return message;
    }

    public <T> T expect(Class<T> type) throws InterruptedException {
        Object message = next();
        assertThat(message).isInstanceOf(type);
        return type.cast(message);
    }

    /** Asserts the target sends nothing for {@code quiet}. */
    public void expectSilence(Duration quiet) throws InterruptedException {
        Object message = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        if (message != null) {
            received.add(message);
        }
        assertThat(message).as("no PDU expected").isNull();
    }

    /**
     * A round trip through the target: an immediate NOP-Out and its NOP-In. PDUs of a connection
     * are handled in order, so everything sent before has been processed when this returns.
     */
    public void sync() throws InterruptedException {
        int tag = newTag();
        send(new NopOut(true, 0, tag, IscsiPdu.RESERVED_TAG, cmdSn, expStatSn, Unpooled.EMPTY_BUFFER));
        NopIn answer = expect(NopIn.class);
        assertThat(answer.initiatorTaskTag()).isEqualTo(tag);
    }

    public boolean awaitClosed(Duration limit) {
        return channel.closeFuture().awaitUninterruptibly(limit.toMillis());
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public void digests(boolean header, boolean data) {
        channel.eventLoop().submit(() -> {
            decoder.digests(header, data);
            encoder.digests(header, data);
        }).syncUninterruptibly();
    }

    /** StatSN of a status-carrying PDU, or -1. */
    private static int statSnOf(IscsiPdu pdu) {
        if (pdu instanceof ScsiResponsePdu r) {
            return r.statSn();
        } else if (pdu instanceof DataIn d && d.statusPresent()) {
            return d.statSn();
        } else if (pdu instanceof LoginResponse r) {
            return r.statSn();
        } else if (pdu instanceof TextResponse r) {
            return r.statSn();
        } else if (pdu instanceof LogoutResponse r) {
            return r.statSn();
        } else if (pdu instanceof TaskManagementResponse r) {
            return r.statSn();
        } else if (pdu instanceof Reject r) {
            return r.statSn();
        } else if (pdu instanceof AsyncMessage r) {
            return r.statSn();
        } else if (pdu instanceof NopIn r && r.initiatorTaskTag() != IscsiPdu.RESERVED_TAG) {
            return r.statSn();
        }
        return -1;
    }

    // ---- login

    public static Map<String, String> keys(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    public static ByteBuf text(Map<String, String> keys) {
        List<TextParameter> parameters = new ArrayList<>();
        keys.forEach((key, value) -> parameters.add(new TextParameter(key, value)));
        return Unpooled.wrappedBuffer(TextParameters.encode(parameters));
    }

    public static Map<String, String> keysOf(ByteBuf data) {
        Map<String, String> map = new LinkedHashMap<>();
        try {
            for (TextParameter parameter : TextParameters.decode(ByteBufUtil.getBytes(data))) {
                map.put(parameter.key(), parameter.value());
            }
        } catch (Exception e) {
            throw new AssertionError("target sent malformed text", e);
        }
        return map;
    }

    /**
     * A two-step login: security stage (names, AuthMethod=None), then operational stage with
     * {@code operational} keys. Returns the last Login Response (successful or not).
     */
    public LoginResponse login(String targetName, long isid, int tsih, int cid, Map<String, String> operational)
            throws InterruptedException {
        int itt = newTag();
        Map<String, String> security = targetName == null
                ? keys("InitiatorName", INITIATOR, "SessionType", "Discovery", "AuthMethod", "None")
                : keys("InitiatorName", INITIATOR, "TargetName", targetName, "SessionType", "Normal", "AuthMethod", "None");
        send(new LoginRequest(true, false, 0, 1, 0, 0, isid, tsih, itt, cid, cmdSn, expStatSn, text(security)));
        LoginResponse first = expect(LoginResponse.class);
        if (first.statusClass() != 0) {
            return first;
        }
        assertThat(first.transit()).isTrue();
        send(new LoginRequest(true, false, 1, 3, 0, 0, isid, first.tsih(), itt, cid, cmdSn, expStatSn,
                text(operational)));
        LoginResponse last = expect(LoginResponse.class);
        if (last.statusClass() == 0) {
            Map<String, String> answer = keysOf(last.data());
            digests("CRC32C".equals(answer.get("HeaderDigest")), "CRC32C".equals(answer.get("DataDigest")));
        }
        return last;
    }

    public LoginResponse login(String targetName, Map<String, String> operational) throws InterruptedException {
        return login(targetName, 0x80_1234_5678L, 0, 1, operational);
    }

    // ---- commands

    /** Sends a non-immediate SCSI command and returns its ITT. */
    public int command(long lunField, byte[] cdb, boolean read, boolean write, int edtl, ByteBuf immediateData,
                       boolean finalFlag) {
        int itt = newTag();
        send(new ScsiCommandPdu(false, finalFlag, read, write, 1, lunField, itt, edtl, cmdSn++, expStatSn, cdb,
                immediateData));
        return itt;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        Object message;
        while ((message = inbox.poll()) != null) {
            received.add(message);
        }
        for (Object each : received) {
            if (ReferenceCountUtil.refCnt(each) > 0) {
                ReferenceCountUtil.release(each);
            }
        }
    }
}
