package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicaNode;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.ToolResult;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Online grow ({@code resize}) of a connected, in-sync pair: both 64 MiB backing files grow by
 * 64 MiB behind the nodes' backs, {@code resize} on the Primary makes both nodes agree on a larger
 * data area and resync the added blocks; the Primary's LUN then reports the new capacity in READ
 * CAPACITY (16) (SBC-3 5.16), a write past the old end lands on both backing files, and the two
 * data areas end identical.
 */
class ReplicationResizeTest {

    private static final long BACKING_BYTES = 64L << 20;
    private static final long GROWTH_BYTES = 64L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    private static final int WRITE_SIZE = 65536;
    private static final int WRITE_COUNT = 16;
    private static final int PATTERN = 0x5a;
    private static final Pattern TOTAL_SIZE = Pattern.compile("Total size:\\s*(\\d+)");

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    @Test
    void resizeOnThePrimaryGrowsBothDataAreasAndTheLunAndTheAddedBlocksReplicate() throws Exception {
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, ReplicatedPair.fastOptions("C"))) {
            JsonNode established = pair.establish(SYNC_LIMIT);
            long oldSize = established.path("sizeBytes").asLong();
            assertThat(oldSize).as("%s", established).isPositive().isLessThanOrEqualTo(BACKING_BYTES);
            assertThat(capacityThroughIscsi(pair, pair.node1())).as("LUN before the resize").isEqualTo(oldSize);

            for (ReplicaNode node : new ReplicaNode[] {pair.node1(), pair.node2()}) {
                try (RandomAccessFile file = new RandomAccessFile(node.backingFile().toFile(), "rw")) {
                    file.setLength(BACKING_BYTES + GROWTH_BYTES);
                }
            }
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            node1.expectVerb("resize");

            JsonNode primary = node1.awaitStatus("in sync with a larger data area", SYNC_LIMIT,
                    status -> ReplicationClient.inSync(status) && status.path("sizeBytes").asLong() > oldSize);
            JsonNode secondary = pair.node2().replication(ReplicatedPair.RESOURCE).awaitStatus(
                    "in sync with a larger data area", SYNC_LIMIT,
                    status -> ReplicationClient.inSync(status) && status.path("sizeBytes").asLong() > oldSize);
            long newSize = primary.path("sizeBytes").asLong();
            assertThat(secondary.path("sizeBytes").asLong()).as("both nodes agree: %s / %s", primary, secondary)
                    .isEqualTo(newSize);
            assertThat(newSize).as("grown by nearly the added bytes: %s", primary)
                    .isGreaterThan(oldSize + GROWTH_BYTES - (1L << 20))
                    .isLessThanOrEqualTo(BACKING_BYTES + GROWTH_BYTES);

            assertThat(capacityThroughIscsi(pair, pair.node1())).as("LUN after the resize").isEqualTo(newSize);

            long offset = (oldSize + WRITE_SIZE - 1) / WRITE_SIZE * WRITE_SIZE;
            assertThat(offset + (long) WRITE_COUNT * WRITE_SIZE).isLessThanOrEqualTo(newSize);
            ToolResult write = pair.benchWrite(pair.node1(), WRITE_COUNT, 4, WRITE_SIZE, offset, WRITE_SIZE, PATTERN,
                    TOOL_LIMIT);
            assertThat(write.succeeded()).as(write.describe()).isTrue();

            pair.awaitInSync(SYNC_LIMIT);
            BackingFiles.Comparison comparison = pair.compareDataAreas();
            assertThat(comparison.length()).as("compared over the grown data area").isEqualTo(newSize);
            assertThat(comparison.identical()).as("%s", comparison).isTrue();
            for (Path file : new Path[] {pair.node1().backingFile(), pair.node2().backingFile()}) {
                assertThat(BackingFiles.readBlock(file, offset)).as("first write past the old end in %s", file)
                        .containsOnly((byte) PATTERN);
                long lastBlock = offset + (long) WRITE_COUNT * WRITE_SIZE - BackingFiles.BLOCK_SIZE;
                assertThat(BackingFiles.readBlock(file, lastBlock)).as("last block written in %s", file)
                        .containsOnly((byte) PATTERN);
            }
        }
    }

    /** READ CAPACITY (16) through the node's LUN, inside its namespace: (returned LBA + 1) * block length. */
    private static long capacityThroughIscsi(ReplicatedPair pair, ReplicaNode node) throws Exception {
        ToolResult capacity = node.inNamespace("iscsi-readcapacity16", pair.lunUrl(node)).timeout(TOOL_LIMIT).run();
        assertThat(capacity.succeeded()).as(capacity.describe()).isTrue();
        Matcher total = TOTAL_SIZE.matcher(capacity.stdout());
        assertThat(total.find()).as(capacity.describe()).isTrue();
        return Long.parseLong(total.group(1));
    }
}
