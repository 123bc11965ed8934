package io.appliance.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.cluster.agent.OcfStatus;
import io.appliance.iscsi.server.IscsiServer;
import io.appliance.iscsi.server.IscsiServerSettings;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The iscsi-target agent over a real iSCSI server: freebind, SendTargets portals, connections closed at stop. */
class IscsiTargetAgentTest {

    private final IscsiServer server = new IscsiServer(new TargetRegistry(), IscsiServerSettings.defaults());
    private final AtomicInteger republished = new AtomicInteger();
    private final ServerPortals portals = new ServerPortals(() -> server, republished::incrementAndGet);

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void startListensAndAdvertisesStopClosesTheConnectionsOfThatPortal() throws Exception {
        Portal portal = new Portal("127.0.0.1", freePort());
        IscsiTargetAgent agent = new IscsiTargetAgent(portal, portals);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);

        assertThat(agent.start().isOk()).isTrue();
        assertThat(agent.start().isOk()).as("start is idempotent").isTrue();
        assertThat(agent.monitor().isOk()).isTrue();
        assertThat(portals.advertised()).containsExactly(portal);
        assertThat(republished).hasValue(1);

        try (Socket initiator = new Socket()) {
            initiator.connect(new InetSocketAddress(portal.address(), portal.port()), 5000);
            initiator.setSoTimeout(10_000);
            assertThat(agent.stop().isOk()).isTrue();
            assertThat(closedByPeer(initiator.getInputStream())).as("the connection is closed by the stop").isTrue();
        }
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(portals.advertised()).isEmpty();
        assertThat(republished).hasValue(2);
        assertThat(agent.stop().isOk()).as("stop is idempotent").isTrue();
        try (Socket late = new Socket()) {
            assertThatThrownBy(() -> late.connect(
                    new InetSocketAddress(portal.address(), portal.port()), 2000)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void freebindListensOnAnAddressThisHostDoesNotHave() throws Exception {
        assumeTrue(Epoll.isAvailable(), "IP_FREEBIND needs the epoll transport");
        Portal vip = new Portal("10.255.255.1", freePort());
        IscsiTargetAgent agent = new IscsiTargetAgent(vip, portals);
        assertThat(agent.start().isOk()).as(agent.start().reason()).isTrue();
        assertThat(agent.monitor().isOk()).isTrue();
        assertThat(server.boundAddresses()).anySatisfy(bound ->
                assertThat(bound.getAddress().getHostAddress()).isEqualTo("10.255.255.1"));
        assertThat(agent.stop().isOk()).isTrue();
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void anAddressThatCannotBeBoundFailsTheStartWithTheReason() {
        IscsiTargetAgent agent = new IscsiTargetAgent(new Portal("not-an-address.invalid", 3260), portals);
        assertThat(agent.start().status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(agent.start().reason()).startsWith("cannot listen on not-an-address.invalid:3260");
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    /** End of stream (FIN) or a reset (RST: the server closed with unread bytes or linger 0). */
    private static boolean closedByPeer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
