package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicaNode;
import io.appliance.itest.harness.ToolResult;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes in two network namespaces replicate resource r0 (256 MiB sparse files, protocol C):
 * after the forced first promotion the initial full sync moves the whole disk; writes through the
 * Primary's iSCSI LUN land on both backing files block for block; the Secondary's LUN answers
 * INQUIRY but refuses media access with NOT READY; status and the CLI show both sides UpToDate.
 * The nodes are shared by the cases of this class (none of them changes roles).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTwoNodeTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    private static final int SENSE_KEY_NOT_READY = 0x2;
    /** SPC-4 Annex D: LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE. */
    private static final int STANDBY = 0x040b;

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    private ReplicatedPair pair;
    private JsonNode establishedStatus;

    @BeforeAll
    void establishThePair() throws Exception {
        pair = lab.createPair(BACKING_BYTES, ReplicatedPair.fastOptions("C"));
        establishedStatus = pair.establish(SYNC_LIMIT);
    }

    @AfterAll
    void tearDown() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theInitialSyncMovedTheWholeDataAreaToTheSecondary() throws Exception {
        long size = establishedStatus.path("sizeBytes").asLong();
        assertThat(size).as("data area: the file minus internal metadata").isPositive().isLessThan(BACKING_BYTES)
                .isGreaterThan(BACKING_BYTES - (16L << 20));
        JsonNode secondary = pair.node2().replication(ReplicatedPair.RESOURCE).status();
        long moved = secondary.path("counters").path("resyncReceivedBytes").asLong()
                + secondary.path("counters").path("resyncSkippedBytes").asLong();
        assertThat(moved).as("full sync seen by the target: %s", secondary).isGreaterThanOrEqualTo(size);
        assertThat(establishedStatus.path("role").asText()).isEqualTo("Primary");
        assertThat(secondary.path("role").asText()).isEqualTo("Secondary");
        assertThat(secondary.path("peerRole").asText()).isEqualTo("Primary");
        assertThat(pair.compareDataAreas().identical()).isTrue();
    }

    @Test
    void writesThroughThePrimarysLunLandOnBothBackingFilesBlockForBlock() throws Exception {
        // 4 KiB writes at depth 32 scattered with a prime stride (wrapping around the LUN), then 64 KiB writes elsewhere
        ToolResult scattered = pair.benchWrite(pair.node1(), 20_000, 32, 4096, 0, 4096L * 7919, 0xa5, TOOL_LIMIT);
        assertThat(scattered.succeeded()).as(scattered.describe()).isTrue();
        ToolResult large = pair.benchWrite(pair.node1(), 400, 8, 65536, 96L << 20, 65536, 0x3c, TOOL_LIMIT);
        assertThat(large.succeeded()).as(large.describe()).isTrue();

        JsonNode primary = pair.awaitInSync(SYNC_LIMIT);
        assertThat(primary.path("counters").path("appWrittenBytes").asLong()).as("%s", primary)
                .isGreaterThanOrEqualTo(20_000L * 4096 + 400L * 65536);
        byte[] firstLarge = BackingFiles.readBlock(pair.node2().backingFile(), 96L << 20);
        assertThat(firstLarge).as("a 64 KiB write on the secondary's file").containsOnly((byte) 0x3c);
        byte[] firstScattered = BackingFiles.readBlock(pair.node2().backingFile(), 0);
        assertThat(firstScattered).as("the first 4 KiB write on the secondary's file").containsOnly((byte) 0xa5);
        BackingFiles.Comparison comparison = pair.compareDataAreas();
        assertThat(comparison.identical()).as("%s", comparison).isTrue();
    }

    @Test
    void theSecondarysLunAnswersInquiryButRefusesReadsWithNotReady() throws Exception {
        ReplicaNode secondary = pair.node2();
        ToolResult inquiry = secondary.inNamespace("iscsi-inq", pair.lunUrl(secondary)).timeout(TOOL_LIMIT).run();
        assertThat(inquiry.succeeded()).as(inquiry.describe()).isTrue();

        ToolResult read = pair.readOneBlock(secondary, 0);
        assertThat(read.stdout().strip()).as(read.describe())
                .isEqualTo("status 2 sense-key " + SENSE_KEY_NOT_READY + " asc 0x" + String.format("%04x", STANDBY));

        ToolResult primaryRead = pair.readOneBlock(pair.node1(), 0);
        assertThat(primaryRead.stdout().strip()).as(primaryRead.describe()).startsWith("status 0 ");
    }

    @Test
    void statusTextAndTheCliShowBothSidesUpToDate() throws Exception {
        String text = pair.node1().replication(ReplicatedPair.RESOURCE).statusText(false);
        assertThat(text).as(text).contains("r0 role:Primary").contains("disk:UpToDate").contains("node2 role:Secondary")
                .contains("peer-disk:UpToDate");

        ToolResult cli = pair.node2().cli("replication", "status", ReplicatedPair.RESOURCE);
        assertThat(cli.succeeded()).as(cli.describe()).isTrue();
        assertThat(cli.stdout()).as(cli.describe()).contains("r0 role:Secondary").contains("node1 role:Primary");

        ToolResult refused = pair.node2().cli("replication", "primary", ReplicatedPair.RESOURCE);
        assertThat(refused.exitCode()).as("a second primary without allow-two-primaries: %s", refused.describe()).isNotZero();
        assertThat(Arrays.asList(refused.stderr(), refused.stdout())).as(refused.describe())
                .anyMatch(output -> !output.isBlank());
    }
}
