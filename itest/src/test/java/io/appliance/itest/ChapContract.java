package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CHAP as libiscsi's tools exercise it (RFC 7143 §12.1.3): a target that admits only
 * {@link #INITIATOR}, with its CHAP name and secret, and that answers mutual CHAP with
 * {@link #TARGET_USER}/{@link #TARGET_SECRET}. libiscsi takes credentials in the URL
 * ({@code iscsi://user%secret@host:port/...}) and the target's in the URL arguments
 * {@code target_user} and {@code target_password}; its discovery session logs in without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChapContract {

    protected static final String INITIATOR = "iqn.2026-11.io.appliance.itest:chap-client";
    protected static final String OTHER_INITIATOR = "iqn.2026-11.io.appliance.itest:stranger";
    protected static final String CHAP_USER = "itest-client";
    protected static final String CHAP_SECRET = "itest-secret-0123";
    protected static final String TARGET_USER = "itest-target";
    protected static final String TARGET_SECRET = "itest-mutual-4567";
    protected static final long LUN_SIZE = 32L << 20;
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    /** A LUN of {@link #LUN_SIZE} bytes on a target configured as this class describes. */
    protected abstract IscsiEndpoint endpoint();

    @Test
    void theRightSecretLogsInAndListsTheLun() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-i", INITIATOR, "-s", endpoint().portalUrl(CHAP_USER, CHAP_SECRET))
                .timeout(TOOL_LIMIT).run();

        assertThat(listing.succeeded()).as(listing.describe()).isTrue();
        assertThat(InitiatorOutput.listedLuns(listing.stdout())).as(listing.describe())
                .extracting(InitiatorOutput.ListedLun::lun).contains(endpoint().lun());
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-i", INITIATOR, "-s", endpoint().portalUrl(CHAP_USER, "not-the-secret-99"))
                .timeout(TOOL_LIMIT).run();
        ToolResult capacity = Tool.of("iscsi-readcapacity16", "-i", INITIATOR, endpoint().lunUrl(CHAP_USER, "not-the-secret-99"))
                .timeout(TOOL_LIMIT).run();

        assertRefused(listing);
        assertRefused(capacity);
    }

    @Test
    void noCredentialsAreRefused() throws Exception {
        ToolResult listing = Tool.of("iscsi-ls", "-i", INITIATOR, "-s", endpoint().portalUrl()).timeout(TOOL_LIMIT).run();
        ToolResult capacity = Tool.of("iscsi-readcapacity16", "-i", INITIATOR, endpoint().lunUrl()).timeout(TOOL_LIMIT).run();

        assertRefused(listing);
        assertRefused(capacity);
    }

    @Test
    void anInitiatorWithoutAnAclEntryIsRefusedEvenWithTheSecret() throws Exception {
        ToolResult capacity = Tool.of("iscsi-readcapacity16", "-i", OTHER_INITIATOR, endpoint().lunUrl(CHAP_USER, CHAP_SECRET))
                .timeout(TOOL_LIMIT).run();

        assertRefused(capacity);
    }

    @Test
    void mutualChapWithTheTargetsSecretSucceeds() throws Exception {
        ToolResult capacity = Tool.of("iscsi-readcapacity16", "-i", INITIATOR,
                endpoint().lunUrlWithMutualChap(CHAP_USER, CHAP_SECRET, TARGET_USER, TARGET_SECRET)).timeout(TOOL_LIMIT).run();

        assertThat(capacity.succeeded()).as(capacity.describe()).isTrue();
        assertThat(InitiatorOutput.totalSize(capacity.stdout())).as(capacity.describe()).hasValue(LUN_SIZE);
    }

    @Test
    void mutualChapRejectsATargetThatDoesNotKnowTheExpectedSecret() throws Exception {
        ToolResult capacity = Tool.of("iscsi-readcapacity16", "-i", INITIATOR,
                endpoint().lunUrlWithMutualChap(CHAP_USER, CHAP_SECRET, TARGET_USER, "wrong-mutual-0000")).timeout(TOOL_LIMIT).run();

        assertRefused(capacity);
    }

    /** Refused: a non-zero exit in time, and neither a LUN listing nor a capacity in the output. */
    private static void assertRefused(ToolResult result) {
        assertThat(result.timedOut()).as(result.describe()).isFalse();
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.stdout()).as(result.describe()).doesNotContain("Lun:").doesNotContain("Total size:");
    }
}
