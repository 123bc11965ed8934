package io.appliance.node.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupBannerTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:default";

    @Test
    void showsEveryClientCommandForABoundAddress() {
        StartupBanner banner = new StartupBanner("node1", List.of(new InetSocketAddress("10.1.2.3", 3260)),
                Optional.of(new StartupBanner.TargetAndLun(TARGET, 0)), "http://127.0.0.1:8080/api/v1",
                Path.of("/var/lib/appliance/api-token"), Optional.empty());

        assertThat(banner.render())
                .contains("iscsiadm -m discovery -t st -p 10.1.2.3:3260")
                .contains("iscsi-ls -s iscsi://10.1.2.3:3260")
                .contains("iscsi://10.1.2.3:3260/" + TARGET + "/0")
                .contains("http://127.0.0.1:8080/api/v1")
                .contains("/var/lib/appliance/api-token")
                .doesNotContain("New API token");
    }

    @Test
    void showsANewTokenAndSkipsTheUrlWithoutTargets() {
        String text = new StartupBanner("node1", List.of(new InetSocketAddress("127.0.0.1", 3261)), Optional.empty(),
                "http://127.0.0.1:8080/api/v1", Path.of("api-token"), Optional.of("cafe")).render();
        assertThat(text).contains("New API token (shown once): cafe").doesNotContain("libiscsi:");
    }

    @Test
    void aWildcardBindIsShownWithAnAddressClientsCanDial() throws Exception {
        String host = StartupBanner.hostForClients(InetAddress.getByName("0.0.0.0"));
        assertThat(host).isNotEqualTo("0.0.0.0");
        assertThat(InetAddress.getByName(host).isAnyLocalAddress()).isFalse();
        assertThat(StartupBanner.hostForClients(InetAddress.getByName("::1"))).isEqualTo("[0:0:0:0:0:0:0:1]");
    }
}
