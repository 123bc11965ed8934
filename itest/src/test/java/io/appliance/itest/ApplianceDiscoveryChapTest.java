package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.SeedTarget;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery sessions that must authenticate ({@code iscsi.discoveryChap}, RFC 7143 §12.1.3):
 * {@code iscsi-ls} proves the discovery credentials from its URL before SendTargets is answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplianceDiscoveryChapTest {

    private static final String TARGET = "iqn.2026-11.io.appliance.itest:discovery-chap";
    private static final String USER = "disco-user";
    private static final String SECRET = "disco-secret-0123";
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.start(
                List.of(SeedTarget.open(TARGET, new SeedTarget.SeedLun(0, "16MiB"))),
                Map.of("discoveryChap", "{user: " + USER + ", secret: " + SECRET + "}")));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void discoveryWithTheRightSecretListsTheTarget() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-s", appliance.endpoint(TARGET, 0).portalUrl(USER, SECRET))
                .timeout(TOOL_LIMIT).run();

        assertThat(listing.succeeded()).as(listing.describe()).isTrue();
        assertThat(listing.stdout()).as(listing.describe()).contains("Target:" + TARGET).contains("Lun:0");
    }

    @Test
    void discoveryWithAWrongSecretIsRefused() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-s", appliance.endpoint(TARGET, 0).portalUrl(USER, "wrong-secret-4567"))
                .timeout(TOOL_LIMIT).run();

        assertNothingListed(listing);
    }

    @Test
    void discoveryWithoutCredentialsIsRefused() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-s", appliance.endpoint(TARGET, 0).portalUrl()).timeout(TOOL_LIMIT).run();

        assertNothingListed(listing);
    }

    private static void assertNothingListed(ToolResult listing) {
        assertThat(listing.timedOut()).as(listing.describe()).isFalse();
        assertThat(listing.exitCode()).as(listing.describe()).isNotZero();
        assertThat(listing.stdout()).as(listing.describe()).doesNotContain("Target:").doesNotContain("Lun:");
    }
}
