package io.appliance.itest.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.BackingFiles;
import io.appliance.itest.harness.NetworkLabExtension;
import io.appliance.itest.harness.ReplicatedPair;
import io.appliance.itest.harness.ReplicationClient;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backing volume that fails under the Primary ({@code on-io-error detach}): the Primary's
 * backing file is made immutable ({@code chattr +i}), after which the kernel refuses every write
 * to it with EPERM even on descriptors already open (ext4, xfs, btrfs check it on each write).
 * Writes through the Primary's LUN still succeed, the Primary goes Diskless, and both its later
 * reads and the peer's file hold the new data.
 */
class ReplicationIoErrorTest {

    private static final long BACKING_BYTES = 256L << 20;
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(120);
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    private static final Duration CHATTR_LIMIT = Duration.ofSeconds(10);
    private static final long WRITTEN_AT = 64L << 20;
    private static final int WRITES = 256;

    @RegisterExtension
    final NetworkLabExtension lab = new NetworkLabExtension();

    @Test
    void aFailingBackingFileDetachesThePrimaryAndItsIoContinuesThroughThePeer(@TempDir Path scratch) throws Exception {
        Map<String, String> options = ReplicatedPair.fastOptions("C");
        options.put("on-io-error", "detach");
        try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, options)) {
            pair.establish(SYNC_LIMIT);
            ReplicationClient node1 = pair.node1().replication(ReplicatedPair.RESOURCE);
            Path failing = pair.node1().backingFile();
            Tool.of("chattr", "+i", failing.toString()).timeout(CHATTR_LIMIT).runSuccessfully();
            try {
                ToolResult writes = pair.benchWrite(pair.node1(), WRITES, 8, 4096, WRITTEN_AT, 4096, 0x6d, TOOL_LIMIT);
                assertThat(writes.succeeded()).as("writes while the local disk fails: %s", writes.describe()).isTrue();

                JsonNode detached = node1.awaitStatus("Diskless", Duration.ofSeconds(30),
                        status -> "Diskless".equals(status.path("disk").asText()));
                assertThat(detached.path("role").asText()).as("%s", detached).isEqualTo("Primary");
                assertThat(detached.path("peerDisk").asText()).as("%s", detached).isEqualTo("UpToDate");

                Path copy = scratch.resolve("node1-lun.raw");
                ToolResult read = pair.readLun(pair.node1(), copy, TOOL_LIMIT);
                assertThat(read.succeeded()).as("reads through the detached primary: %s", read.describe()).isTrue();
                for (int write = 0; write < WRITES; write += 37) {
                    long offset = WRITTEN_AT + write * 4096L;
                    assertThat(BackingFiles.readBlock(copy, offset)).as("block at %d read through node1", offset)
                            .containsOnly((byte) 0x6d);
                    assertThat(BackingFiles.readBlock(pair.node2().backingFile(), offset)).as("block at %d on node2", offset)
                            .containsOnly((byte) 0x6d);
                }
                assertThat(Files.size(copy)).isGreaterThan(WRITTEN_AT);
            } finally {
                Tool.of("chattr", "-i", failing.toString()).timeout(CHATTR_LIMIT).run();
            }
        }
    }
}
