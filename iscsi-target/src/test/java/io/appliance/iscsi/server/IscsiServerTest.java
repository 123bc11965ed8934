package io.appliance.iscsi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.login.TargetLimits;
import io.appliance.iscsi.session.LeakWatch;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakWatch.class)
class IscsiServerTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        IscsiServerSettings defaults = IscsiServerSettings.defaults();
        assertThat(defaults.commandWindow()).isEqualTo(256);
        assertThat(defaults.nopInInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.nopInTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(defaults.loginTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(defaults.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void impossibleSettingsAreRefusedNamingTheField() {
        TargetLimits limits = TargetLimits.defaults();
        Clock clock = Clock.systemUTC();
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new IscsiServerSettings(limits, 0, second, second, second, second, clock))
                .hasMessageContaining("commandWindow");
        assertThatThrownBy(() -> new IscsiServerSettings(limits, 256, second.negated(), second, second, second, clock))
                .hasMessageContaining("nopInInterval");
        assertThatThrownBy(() -> new IscsiServerSettings(limits, 256, second, Duration.ZERO, second, second, clock))
                .hasMessageContaining("nopInTimeout");
        assertThatThrownBy(() -> new IscsiServerSettings(limits, 256, second, second, Duration.ZERO, second, clock))
                .hasMessageContaining("loginTimeout");
        assertThatThrownBy(() -> new IscsiServerSettings(limits, 256, second, second, second, Duration.ofDays(2), clock))
                .hasMessageContaining("shutdownGrace");
        assertThat(new IscsiServerSettings(limits, 1, Duration.ZERO, second, second, Duration.ZERO, clock).commandWindow())
                .isEqualTo(1);
    }

    @Test
    void bindsListsAndUnbindsPortals() throws Exception {
        try (IscsiServer server = new IscsiServer(new TargetRegistry(), IscsiServerSettings.defaults())) {
            InetSocketAddress bound = server.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThat(bound.getPort()).isPositive();
            assertThat(server.boundAddresses()).containsExactly(bound);
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                assertThat(socket.isConnected()).isTrue();
            }
            InetSocketAddress second = server.bind(new Portal("127.0.0.1", freePort()));
            assertThat(server.boundAddresses()).containsExactlyInAnyOrder(bound, second);
            server.unbind(new Portal("127.0.0.1", second.getPort()));
            assertThat(server.boundAddresses()).containsExactly(bound);
            assertThat(server.sessions()).isEmpty();
        }
    }

    @Test
    void aPortInUseIsAnIoException() throws Exception {
        try (IscsiServer first = new IscsiServer(new TargetRegistry(), IscsiServerSettings.defaults());
             IscsiServer second = new IscsiServer(new TargetRegistry(), IscsiServerSettings.defaults())) {
            InetSocketAddress bound = first.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> second.bind(new InetSocketAddress("127.0.0.1", bound.getPort())))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot listen");
        }
    }

    @Test
    void closeIsIdempotentAndEndsListening() throws Exception {
        IscsiServer server = new IscsiServer(new TargetRegistry(), IscsiServerSettings.defaults());
        InetSocketAddress bound = server.bind(new InetSocketAddress("127.0.0.1", 0));
        server.close();
        server.close();
        assertThat(server.boundAddresses()).isEmpty();
        assertThatThrownBy(() -> new Socket(bound.getAddress(), bound.getPort()).close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> server.bind(new InetSocketAddress("127.0.0.1", 0))).isInstanceOf(IllegalStateException.class);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
