package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.ReplicationState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full resync between two nodes on loopback with file backings, at a resync-rate far above what
 * the machine can do: the run is bounded by the request window and the disks, not by the tick.
 * Prints the throughput (the figure for the report); asserts the data arrived intact.
 */
class ResyncThroughputTest {
    private static final Logger log = LoggerFactory.getLogger(ResyncThroughputTest.class);
    private static final long BACKING = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void fullResyncOfFileBackingsIsBoundByTheDisksNotByTheTick() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions()
                .resyncRateBytesPerSecond(4L << 30).build())) {
            nodes.createAndConnect();
            byte[] pattern = new byte[1 << 20];
            Arrays.fill(pattern, (byte) 0x5a);
            for (long offset = 0; offset < BACKING / 2; offset += 8L << 20) {
                nodes.scribble(1, offset, pattern);
            }
            long started = System.nanoTime();
            nodes.r1.primary(true);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> nodes.r2.status().disk() == DiskState.UP_TO_DATE);
            double seconds = (System.nanoTime() - started) / 1e9;
            ResourceStatus primary = nodes.r1.status();
            long size = primary.sizeBytes();
            double mbPerSecond = size / seconds / 1e6;
            log.info("full resync of {} MiB took {} s: {} MB/s", size >> 20, String.format("%.2f", seconds),
                    String.format("%.0f", mbPerSecond));
            System.out.printf("RESYNC-THROUGHPUT %.0f MB/s (%d MiB in %.2f s)%n", mbPerSecond, size >> 20, seconds);
            assertThat(primary.replication()).isEqualTo(ReplicationState.ESTABLISHED);
            assertThat(nodes.r2.status().counters().resyncReceivedBytes()).isEqualTo(size);
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }
}
