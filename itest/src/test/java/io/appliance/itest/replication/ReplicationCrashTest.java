package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.SequencedBlocks;
import io.appliance.itest.harness.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No acknowledged write is ever lost": under protocol C a writer streams sequence-numbered,
 * checksummed 4 KiB blocks through the Primary's LUN and logs every acknowledged one; the Primary
 * is killed with SIGKILL mid-stream; the Secondary is promoted without {@code --force} (it was
 * UpToDate) and its LUN holds every acknowledged block, whole. The old Primary, started again and
 * brought up, comes back Secondary, resyncs from the new Primary, and both files end identical.
 */
class ReplicationCrashTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    /** Where the writer's blocks start, in 4 KiB blocks: past the first MiB, away from block 0. */
    private static final long FIRST_BLOCK = 256;
    private static final int ACKNOWLEDGED_BEFORE_THE_CRASH = 400;

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    @Test
    void everyAcknowledgedWriteSurvivesAKilledPrimaryAndTheOldPrimaryResyncsToIdentical(@TempDir Path scratch) throws Exception {
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, ReplicatedPair.fastOptions("C"))) {
            pair.establish(SYNC_LIMIT);
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            ReplicationClient node2 = pair.node2().replication(ReplicatedPair.RESOURCE);

            long runId = ThreadLocalRandom.current().nextLong();
            List<Long> acknowledged;
            try (ReplicatedPair.SequenceWriter writer = pair.startSequenceWriter(pair.node1(), runId, FIRST_BLOCK, 1_000_000,
                    scratch.resolve("writer.log"))) {
                writer.awaitAcknowledged(ACKNOWLEDGED_BEFORE_THE_CRASH, Duration.ofSeconds(60));
                pair.node1().kill();
                assertThat(writer.awaitExit(Duration.ofSeconds(60))).as("the writer notices the dead target: %s", writer.tail())
                        .isTrue();
                acknowledged = writer.acknowledged();
                assertThat(writer.tail()).as("the writer's stream ended by the crash, not by finishing").contains("broken");
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_THE_CRASH);

            node2.awaitStatus("without its peer", Duration.ofSeconds(30),
                    status -> !"Connected".equals(status.path("connection").asText()));
            JsonNode promoted = node2.expectVerb("primary");
            assertThat(promoted.path("role").asText()).as("%s", promoted).isEqualTo("Primary");
            assertThat(promoted.path("disk").asText()).as("%s", promoted).isEqualTo("UpToDate");

            Path survivor = scratch.resolve("node2-lun.raw");
            ToolResult copy = pair.readLun(pair.node2(), survivor, TOOL_LIMIT);
            assertThat(copy.succeeded()).as(copy.describe()).isTrue();
            List<Long> missing = new ArrayList<>();
            for (long sequence : acknowledged) {
                byte[] block = BackingFiles.readBlock(survivor, (FIRST_BLOCK + sequence) * SequencedBlocks.BLOCK_SIZE);
                if (!SequencedBlocks.holds(block, runId, sequence)) {
                    missing.add(sequence);
                }
            }
            assertThat(missing).as("acknowledged writes (of %d) missing or torn on the survivor's LUN", acknowledged.size())
                    .isEmpty();

            pair.node1().start();
            JsonNode rejoined = node1.expectVerb("up");
            assertThat(rejoined.path("role").asText()).as("%s", rejoined).isEqualTo("Secondary");
            JsonNode inSync = node2.awaitStatus("in sync with the restarted node", SYNC_LIMIT, ReplicationClient::inSync);
            assertThat(inSync.path("role").asText()).isEqualTo("Primary");
            node1.awaitStatus("in sync with the new primary", SYNC_LIMIT, ReplicationClient::inSync);
            long size = inSync.path("sizeBytes").asLong();
            BackingFiles.Comparison comparison = BackingFiles.compare(pair.node1().backingFile(), pair.node2().backingFile(), size);
            assertThat(comparison.identical()).as("%s", comparison).isTrue();
            assertThat(Files.size(survivor)).isGreaterThanOrEqualTo(size);
        }
    }
}
