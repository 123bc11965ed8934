package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Online verify ({@code verify-alg sha256}) finds blocks changed behind the replication's back:
 * three 4 KiB blocks of the Secondary's backing file are overwritten directly while both nodes
 * are up and in sync; {@code verify} counts them as out of sync; {@code disconnect} +
 * {@code connect} resyncs them and the files end identical.
 */
class ReplicationVerifyTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final int BLOCK = 4096;
    private static final long[] TAMPERED = {1L << 20, 50L << 20, 200L << 20};

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    @Test
    void verifyFindsBlocksChangedBehindTheReplicationsBackAndAReconnectRepairsThem() throws Exception {
        Map<String, String> options = ReplicatedPair.fastOptions("C");
        options.put("verify-alg", "sha256");
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, options)) {
            pair.establish(SYNC_LIMIT);
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            assertThat(node1.status().path("verifiedOutOfSyncBytes").asLong()).isZero();

            Random random = new Random(4);
            for (long offset : TAMPERED) {
                byte[] noise = new byte[BLOCK];
                random.nextBytes(noise);
                BackingFiles.overwrite(pair.node2().backingFile(), offset, noise);
            }
            BackingFiles.Comparison tampered = pair.compareDataAreas();
            assertThat(tampered.differentBlocks()).as("%s", tampered).isEqualTo(TAMPERED.length);

            node1.expectVerb("verify");
            JsonNode verified = node1.awaitStatus("done verifying with differences found", SYNC_LIMIT,
                    status -> "Established".equals(status.path("replication").asText())
                            && status.path("verifiedOutOfSyncBytes").asLong() > 0);
            assertThat(verified.path("verifiedOutOfSyncBytes").asLong()).as("%s", verified)
                    .isGreaterThanOrEqualTo((long) TAMPERED.length * BLOCK);
            assertThat(verified.path("outOfSyncBytes").asLong()).as("verify marks what it found: %s", verified)
                    .isGreaterThanOrEqualTo((long) TAMPERED.length * BLOCK);
            assertThat(verified.path("counters").path("verifiedBytes").asLong()).as("%s", verified)
                    .isGreaterThanOrEqualTo(verified.path("sizeBytes").asLong());

            node1.expectVerb("disconnect");
            node1.awaitStatus("StandAlone", SYNC_LIMIT, status -> "StandAlone".equals(status.path("connection").asText()));
            node1.expectVerb("connect");
            pair.awaitInSync(SYNC_LIMIT);
            BackingFiles.Comparison repaired = pair.compareDataAreas();
            assertThat(repaired.identical()).as("%s", repaired).isTrue();
        }
    }
}
