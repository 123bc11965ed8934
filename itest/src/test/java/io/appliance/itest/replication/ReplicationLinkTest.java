package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.ToolResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replication link under faults. A cut link ({@code ip link set down}) while the Primary
 * rewrites 1% of the disk: after the link comes back, the bitmap resync moves about the changed
 * bytes, not the disk. A slow, lossy link (netem delay where the kernel has netem, else a token
 * bucket that delays and drops under load; and 1% of the packets dropped at random by nftables on
 * both ends): writes still end identical on both files, and packets were really dropped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationLinkTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(180);
    private static final int BLOCK = 4096;

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    private ReplicatedPair pair;
    private ReplicationClient node1;
    private ReplicationClient node2;

    @BeforeAll
    void establishThePair() throws Exception {
        pair = lab.createPair(BACKING_BYTES, ReplicatedPair.fastOptions("C"));
        pair.establish(SYNC_LIMIT);
        node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
        node2 = pair.node2().replication(ReplicatedPair.RESOURCE);
    }

    @AfterAll
    void tearDown() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    @Order(1)
    void afterACutLinkTheBitmapResyncMovesAboutTheChangedBytesNotTheDisk() throws Exception {
        long size = node1.status().path("sizeBytes").asLong();
        long receivedBefore = node2.status().path("counters").path("resyncReceivedBytes").asLong();

        pair.lab().linkDown();
        try {
            node1.awaitStatus("without its peer", Duration.ofSeconds(30),
                    status -> !"Connected".equals(status.path("connection").asText()));
            // 1% of the disk in distinct 4 KiB blocks, 100 blocks apart
            int writes = (int) (size / BLOCK / 100);
            ToolResult rewrite = pair.benchWrite(pair.node1(), writes, 16, BLOCK, 0, 100L * BLOCK, 0x5e, TOOL_LIMIT);
            assertThat(rewrite.succeeded()).as(rewrite.describe()).isTrue();
            long changed = (long) writes * BLOCK;
            JsonNode alone = node1.status();
            assertThat(alone.path("role").asText()).isEqualTo("Primary");
            assertThat(alone.path("outOfSyncBytes").asLong()).as("the primary's bitmap while alone: %s", alone)
                    .isEqualTo(changed);
        } finally {
            pair.lab().linkUp();
        }

        pair.awaitInSync(SYNC_LIMIT);
        long changed = (size / BLOCK / 100) * BLOCK;
        long moved = node2.status().path("counters").path("resyncReceivedBytes").asLong() - receivedBefore;
        assertThat(moved).as("bytes the bitmap resync moved for %d changed bytes on a %d-byte disk", changed, size)
                .isBetween(changed, changed + changed / 2);
        BackingFiles.Comparison comparison = pair.compareDataAreas();
        assertThat(comparison.identical()).as("%s", comparison).isTrue();
        assertThat(BackingFiles.readBlock(pair.node2().backingFile(), 100L * BLOCK)).containsOnly((byte) 0x5e);
    }

    @Test
    @Order(2)
    void writesOverASlowLossyLinkEndIdentical() throws Exception {
        String impairment = pair.lab().degrade();
        try {
            ToolResult scattered = pair.benchWrite(pair.node1(), 3000, 32, BLOCK, 8L << 20, BLOCK * 613L, 0x71, TOOL_LIMIT);
            assertThat(scattered.succeeded()).as("over %s: %s", impairment, scattered.describe()).isTrue();
            ToolResult large = pair.benchWrite(pair.node1(), 200, 8, 65536, 128L << 20, 65536, 0x72, TOOL_LIMIT);
            assertThat(large.succeeded()).as("over %s: %s", impairment, large.describe()).isTrue();
            pair.awaitInSync(SYNC_LIMIT);
            long dropped = pair.lab().randomlyDropped();
            System.out.println("link: writes over " + impairment + ", " + dropped + " packets dropped at random");
            assertThat(dropped).as("packets the random loss dropped over %s", impairment).isPositive();
        } finally {
            pair.lab().clearImpairment();
        }
        BackingFiles.Comparison comparison = pair.compareDataAreas();
        assertThat(comparison.identical()).as("%s", comparison).isTrue();
        assertThat(BackingFiles.readBlock(pair.node2().backingFile(), 128L << 20)).containsOnly((byte) 0x72);
    }
}
