package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.ToolResult;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Split brain made on purpose: the nodes are disconnected, both become Primary (one with
 * {@code --force}) and both write. With the default policy ({@code disconnect}) the reconnect ends
 * StandAlone on both with the split brain named in {@code lastProblem}, and the admin's
 * {@code secondary} + {@code connect --discard-my-data} on the victim resolves it: the survivor's
 * data wins and the files end identical. With {@code after-sb-1pri discard-secondary} (and
 * {@code after-sb-0pri discard-zero-changes}) the same divergence is resolved on connect by itself.
 */
class ReplicationSplitBrainTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    private static final Duration STATE_LIMIT = Duration.ofSeconds(30);
    private static final long NODE1_OFFSET = 16L << 20;
    private static final long NODE2_OFFSET = 32L << 20;
    private static final int WRITES = 64;

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    @Test
    void withTheDefaultPolicyBothEndStandAloneUntilTheAdminDiscardsOneSide() throws Exception {
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, ReplicatedPair.fastOptions("C"))) {
            diverge(pair);
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            ReplicationClient node2 = pair.node2().replication(ReplicatedPair.RESOURCE);

            node1.expectVerb("connect");
            node2.expectVerb("connect");
            for (ReplicationClient node : new ReplicationClient[] {node1, node2}) {
                JsonNode standAlone = node.awaitStatus("StandAlone after detecting the split brain", STATE_LIMIT,
                        status -> "StandAlone".equals(status.path("connection").asText())
                                && status.path("lastProblem").asText("").toLowerCase().contains("split"));
                assertThat(standAlone.path("role").asText()).isEqualTo("Primary");
            }
            assertThat(pair.compareDataAreas().identical()).as("no resync happened by itself").isFalse();

            node2.expectVerb("secondary");
            node2.expectVerb("connect", Map.of("discardMyData", true));
            node1.expectVerb("connect");
            JsonNode resolved = pair.awaitInSync(SYNC_LIMIT);
            assertThat(resolved.path("role").asText()).isEqualTo("Primary");
            assertThat(BackingFiles.readBlock(pair.node2().backingFile(), NODE1_OFFSET)).as("the survivor's write on the victim")
                    .containsOnly((byte) 0x11);
            assertThat(BackingFiles.readBlock(pair.node2().backingFile(), NODE2_OFFSET)).as("the victim's write is discarded")
                    .containsOnly((byte) 0);
            BackingFiles.Comparison comparison = pair.compareDataAreas();
            assertThat(comparison.identical()).as("%s", comparison).isTrue();
        }
    }

    @Test
    void withDiscardSecondaryTheSecondarysChangesAreDiscardedOnConnect() throws Exception {
        Map<String, String> options = ReplicatedPair.fastOptions("C");
        options.put("after-sb-0pri", "discard-zero-changes");
        options.put("after-sb-1pri", "discard-secondary");
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, options)) {
            diverge(pair);
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            ReplicationClient node2 = pair.node2().replication(ReplicatedPair.RESOURCE);
            node2.expectVerb("secondary");

            node1.expectVerb("connect");
            node2.expectVerb("connect");
            JsonNode resolved = pair.awaitInSync(SYNC_LIMIT);
            assertThat(resolved.path("role").asText()).isEqualTo("Primary");
            assertThat(node2.status().path("role").asText()).isEqualTo("Secondary");
            assertThat(BackingFiles.readBlock(pair.node2().backingFile(), NODE1_OFFSET)).as("the primary's write on the secondary")
                    .containsOnly((byte) 0x11);
            assertThat(BackingFiles.readBlock(pair.node2().backingFile(), NODE2_OFFSET)).as("the secondary's write is discarded")
                    .containsOnly((byte) 0);
            BackingFiles.Comparison comparison = pair.compareDataAreas();
            assertThat(comparison.identical()).as("%s", comparison).isTrue();
        }
    }

    /** In sync, then disconnected on both sides; node 2 promoted with --force; each writes its own range with its own byte. */
    private void diverge(ReplicatedPair pair) throws Exception {
        pair.establish(SYNC_LIMIT);
        ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
        ReplicationClient node2 = pair.node2().replication(ReplicatedPair.RESOURCE);
        node1.expectVerb("disconnect");
        node2.expectVerb("disconnect");
        node1.awaitStatus("StandAlone", STATE_LIMIT, status -> "StandAlone".equals(status.path("connection").asText()));
        node2.awaitStatus("StandAlone", STATE_LIMIT, status -> "StandAlone".equals(status.path("connection").asText()));
        JsonNode forced = node2.expectVerb("primary", Map.of("force", true));
        assertThat(forced.path("role").asText()).as("%s", forced).isEqualTo("Primary");
        ToolResult onNode1 = pair.benchWrite(pair.node1(), WRITES, 8, 4096, NODE1_OFFSET, 4096, 0x11, TOOL_LIMIT);
        assertThat(onNode1.succeeded()).as(onNode1.describe()).isTrue();
        ToolResult onNode2 = pair.benchWrite(pair.node2(), WRITES, 8, 4096, NODE2_OFFSET, 4096, 0x22, TOOL_LIMIT);
        assertThat(onNode2.succeeded()).as(onNode2.describe()).isTrue();
        assertThat(BackingFiles.readBlock(pair.node2().backingFile(), NODE2_OFFSET)).containsOnly((byte) 0x22);
    }
}
