package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.DigestAlgorithm;
import io.appliance.config.replication.HmacAlgorithm;
import io.appliance.iscsi.block.BlockDevice;
import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import io.appliance.replication.ReplicationEvent;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationScenarioTest {
    private static final long BACKING = 8L << 20;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private static void write(BlockDevice device, long offset, byte[] data) {
        TwoNodes.join(device.write(offset, ByteBuffer.wrap(data), false));
    }

    private static byte[] pattern(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(BlockDevice device, long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        TwoNodes.join(device.read(offset, buffer));
        return buffer.array();
    }

    @Test
    void skipInitialSyncThenBitmapResyncMovesOnlyTheBlocksWrittenWhileDisconnected() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            List<ReplicationEvent> events = new CopyOnWriteArrayList<>();
            nodes.node1.subscribe(events::add);
            nodes.createAndConnect();
            assertThat(nodes.r1.status().disk()).isEqualTo(DiskState.INCONSISTENT);
            nodes.r1.newCurrentUuid(true);
            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.peerDisk() == DiskState.UP_TO_DATE);
            assertThat(nodes.r1.status().ids().current()).isEqualTo(nodes.r2.status().ids().current());
            assertThat(nodes.r1.status().outOfSyncBytes()).isZero();
            assertThat(nodes.r2.status().outOfSyncBytes()).isZero();

            nodes.r1.primary(false);
            long size = nodes.r1.status().sizeBytes();
            Random random = new Random(7);
            write(nodes.r1.device(), 0, pattern(random, (int) size));
            nodes.r1.disconnect();
            assertThat(nodes.r1.status().connection()).isEqualTo(ConnectionState.STANDALONE);
            TwoNodes.awaitStatus(nodes.r2, s -> s.connection() == ConnectionState.CONNECTING);
            assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.UP_TO_DATE);

            Set<Long> blocks = new LinkedHashSet<>();
            long blockCount = size / BLOCK;
            while (blocks.size() < Math.max(1, blockCount / 100)) {
                blocks.add((long) random.nextInt((int) blockCount));
            }
            for (long block : blocks) {
                write(nodes.r1.device(), block * BLOCK, pattern(random, BLOCK));
            }
            long changed = blocks.size() * (long) BLOCK;
            assertThat(nodes.r1.status().outOfSyncBytes()).isEqualTo(changed);
            long receivedBefore = nodes.r2.status().counters().resyncReceivedBytes();

            nodes.r1.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.disk() == DiskState.UP_TO_DATE
                    && s.peerDisk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(nodes.r2.status().counters().resyncReceivedBytes() - receivedBefore).isEqualTo(changed);
            assertThat(nodes.r1.status().outOfSyncBytes()).isZero();
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
            assertThat(events).extracting(ReplicationEvent::render)
                    .anyMatch(line -> line.startsWith("change peer-device name:r0 conn-name:node2")
                            && line.contains("replication:SyncSource"))
                    .anyMatch(line -> line.equals("change resource name:r0 role:Primary suspended:no"));
        }
    }

    @Test
    void metadataVerbsAreRefusedWithDrbdLikeReasonsAndTheDeviceHasItsSizeBeforeUp() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            assertThatThrownBy(() -> nodes.r1.up()).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason()).isEqualTo(ReplicationException.Reason.NO_METADATA);
            nodes.r1.createMetadata(false);
            assertThatThrownBy(() -> nodes.r1.createMetadata(false)).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason())
                    .isEqualTo(ReplicationException.Reason.METADATA_EXISTS);
            nodes.r1.createMetadata(true);
            long size = nodes.r1.device().size();
            assertThat(size).isPositive().isLessThan(BACKING);
            assertThat(nodes.r1.device().write(0, ByteBuffer.allocate(512), false)).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(BlockDeviceNotReadyException.class);
            nodes.r1.up();
            assertThatThrownBy(() -> nodes.r1.createMetadata(true)).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason()).isEqualTo(ReplicationException.Reason.ALREADY_UP);
            assertThatThrownBy(() -> nodes.r1.verify()).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason())
                    .isEqualTo(ReplicationException.Reason.NOT_CONNECTED);
            ResourceStatus status = nodes.r1.status();
            assertThat(status.sizeBytes()).isEqualTo(size);
            assertThat(status.disk()).isEqualTo(DiskState.INCONSISTENT);
            assertThat(status.connection()).isEqualTo(ConnectionState.CONNECTING);
            assertThat(status.outOfSyncBytes()).isEqualTo(size);
        }
    }

    @Test
    void promotionNeedsUpToDateDataOrForceAndOnlyOnePrimary() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.createAndConnect();
            assertThatThrownBy(() -> nodes.r2.primary(false)).isInstanceOf(ReplicationException.class)
                    .hasMessage("r0: State change failed: (-2) Need access to UpToDate data")
                    .extracting(e -> ((ReplicationException) e).reason())
                    .isEqualTo(ReplicationException.Reason.NEED_UP_TO_DATE);
            assertThat(nodes.r2.device().read(0, ByteBuffer.allocate(512))).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(BlockDeviceNotReadyException.class);

            nodes.r1.primary(true);
            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            ResourceStatus primary = nodes.r1.status();
            assertThat(primary.epoch()).isEqualTo(1);
            assertThatThrownBy(() -> nodes.r2.primary(true)).isInstanceOf(ReplicationException.class)
                    .extracting(e -> ((ReplicationException) e).reason())
                    .isEqualTo(ReplicationException.Reason.PEER_IS_PRIMARY);
            assertThatThrownBy(() -> nodes.r1.down()).isInstanceOf(ReplicationException.class);
            assertThat(primary.render(false)).isEqualTo("""
                    r0 role:Primary
                      disk:UpToDate
                      node2 role:Secondary
                        replication:Established peer-disk:UpToDate
                    """);
        }
    }

    @Test
    void splitBrainIsLeftStandAloneUntilDiscardMyData() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            nodes.r1.disconnect();
            nodes.r2.disconnect();
            // both promoted from the same epoch: no side is a stale primary, the uuids show the split brain
            nodes.r1.secondary();
            nodes.r1.primary(true);
            nodes.r2.primary(true);
            assertThat(nodes.r1.status().epoch()).isEqualTo(nodes.r2.status().epoch());
            Random random = new Random(3);
            byte[] survivorData = pattern(random, BLOCK);
            byte[] victimData = pattern(random, BLOCK);
            write(nodes.r1.device(), 10 * BLOCK, survivorData);
            write(nodes.r2.device(), 20 * BLOCK, victimData);
            nodes.r1.connect(false);
            nodes.r2.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.STANDALONE && s.lastProblem().isPresent());
            assertThat(nodes.r1.status().lastProblem().orElseThrow()).containsIgnoringCase("split-brain");
            assertThat(nodes.r2.status().lastProblem().orElseThrow()).containsIgnoringCase("split-brain");

            nodes.r2.secondary();
            nodes.r2.connect(true);
            nodes.r1.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.disk() == DiskState.UP_TO_DATE
                    && s.peerDisk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(nodes.r2.status().lastProblem()).isEmpty();
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
            assertThat(Arrays.copyOfRange(nodes.data(2, size), 10 * BLOCK, 11 * BLOCK)).isEqualTo(survivorData);
            assertThat(Arrays.copyOfRange(nodes.data(2, size), 20 * BLOCK, 21 * BLOCK)).isNotEqualTo(victimData);
        }
    }

    @Test
    void splitBrainWithoutPrimariesIsResolvedByDiscardZeroChanges() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING,
                TwoNodes.fastOptions().afterSb0Pri(AfterSb0Pri.DISCARD_ZERO_CHANGES).build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            nodes.r1.disconnect();
            nodes.r2.disconnect();
            nodes.r2.primary(true);
            nodes.r2.secondary();
            write(nodes.r1.device(), 5 * BLOCK, pattern(new Random(5), 2 * BLOCK));
            nodes.r1.secondary();
            nodes.r1.connect(false);
            nodes.r2.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.disk() == DiskState.UP_TO_DATE
                    && s.peerDisk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(nodes.r1.status().lastProblem()).isEmpty();
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }

    @Test
    void onlineVerifyFindsABlockChangedBehindReplicationsBackAndReconnectResyncsIt() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING,
                TwoNodes.fastOptions().verifyAlg(DigestAlgorithm.SHA256).build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            nodes.scribble(2, 1L << 20, pattern(new Random(9), BLOCK));
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isFalse();

            nodes.r1.verify();
            ResourceStatus verified = TwoNodes.awaitStatus(nodes.r1, s -> s.replication() == ReplicationState.ESTABLISHED
                    && s.verifiedOutOfSyncBytes() > 0);
            assertThat(verified.verifiedOutOfSyncBytes()).isBetween((long) BLOCK, 256L * 1024);
            assertThat(verified.outOfSyncBytes()).isEqualTo(verified.verifiedOutOfSyncBytes());
            assertThat(verified.counters().verifiedBytes()).isEqualTo(size);

            nodes.r1.disconnect();
            nodes.r1.connect(false);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.outOfSyncBytes() == 0
                    && s.disk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }

    /**
     * The Primary's new current UUID (written when it lost its peer) is slow to reach its disk and the
     * peer is back at once: the handshake must wait for it, or both sides show the same generation
     * (rule 40) and the block written while disconnected is never resynced.
     */
    @Test
    void aReconnectBeforeTheNewCurrentUuidIsDurableStillResyncsWhatWasWrittenWhileDisconnected() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            long generation = GenerationIds.generation(nodes.r2.status().ids().current());
            nodes.node1WriteDelay.set(Duration.ofMillis(400));
            nodes.r1.disconnect();
            CompletableFuture<Void> written = nodes.r1.device().write(5 * BLOCK,
                    ByteBuffer.wrap(pattern(new Random(13), BLOCK)), false);
            nodes.r1.connect(false);
            TwoNodes.join(written);
            nodes.node1WriteDelay.set(Duration.ZERO);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.outOfSyncBytes() == 0
                    && s.disk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(GenerationIds.generation(nodes.r1.status().ids().current())).as("node1 left the old generation")
                    .isNotEqualTo(generation);
            assertThat(nodes.r1.status().counters().resyncSentBytes()).as("the bitmap resync ran")
                    .isEqualTo(size + BLOCK);
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }

    @Test
    void pauseSyncHoldsTheResyncOnBothSidesUntilEveryNodeThatPausedItResumes() throws Exception {
        long rate = 2L << 20;
        try (TwoNodes nodes = new TwoNodes(dir, BACKING,
                TwoNodes.fastOptions().resyncRateBytesPerSecond(rate).cMinRateBytesPerSecond(rate).build())) {
            nodes.createAndConnect();
            assertThatThrownBy(nodes.r2::pauseSync).isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("no resync is running");
            nodes.r1.primary(true);
            TwoNodes.awaitStatus(nodes.r2, s -> s.replication() == ReplicationState.SYNC_TARGET);

            nodes.r2.pauseSync();
            nodes.r2.pauseSync();
            TwoNodes.awaitStatus(nodes.r1, s -> s.replication() == ReplicationState.PAUSED_SYNC_S);
            assertThat(nodes.r2.status().replication()).isEqualTo(ReplicationState.PAUSED_SYNC_T);
            Thread.sleep(500); // replies to requests sent before the pause still arrive
            long heldAt = remaining(nodes.r2);
            Thread.sleep(1500); // three MiB at the resync rate, were it running
            assertThat(remaining(nodes.r2)).as("no progress while paused").isEqualTo(heldAt).isPositive();
            for (ResourceStatus paused : List.of(nodes.r1.status(), nodes.r2.status())) {
                assertThat(paused.sync().orElseThrow().bytesPerSecond()).as("no rate while paused").isZero();
                assertThat(paused.sync().orElseThrow().eta()).as("no ETA while paused").isEmpty();
            }

            assertThatThrownBy(nodes.r1::resumeSync).isInstanceOf(ReplicationException.class)
                    .hasMessageContaining("not paused on this node").hasMessageContaining("node2 paused it");
            nodes.r1.pauseSync();
            // node1's State may reach node2 just after node2's own pause ends: a moment's progress is possible
            nodes.r2.resumeSync();
            Thread.sleep(300);
            assertThat(nodes.r2.status().replication()).as("node1 still holds it").isEqualTo(ReplicationState.PAUSED_SYNC_T);
            long heldByNode1 = remaining(nodes.r2);
            Thread.sleep(1000);
            assertThat(remaining(nodes.r2)).as("no progress while node1 holds it").isEqualTo(heldByNode1).isPositive();

            nodes.r1.resumeSync();
            nodes.awaitBoth(s -> s.replication() == ReplicationState.ESTABLISHED && s.disk() == DiskState.UP_TO_DATE
                    && s.peerDisk() == DiskState.UP_TO_DATE);
            long size = nodes.r1.status().sizeBytes();
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }

    /** What the SyncTarget still has to fetch, from its resync progress. */
    private static long remaining(io.appliance.replication.ReplicatedResource target) {
        return target.status().sync().orElseThrow().remainingBytes();
    }

    @Test
    void localIoErrorDetachesAndIoContinuesThroughThePeer() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            Random random = new Random(11);
            byte[] before = pattern(random, BLOCK);
            write(nodes.r1.device(), 3 * BLOCK, before);

            nodes.node1Failing.set(true);
            byte[] after = pattern(random, 2 * BLOCK);
            write(nodes.r1.device(), 7 * BLOCK, after);
            ResourceStatus detached = nodes.r1.status();
            assertThat(detached.disk()).isEqualTo(DiskState.DISKLESS);
            assertThat(detached.lastProblem().orElseThrow()).contains("detach");
            assertThat(read(nodes.r1.device(), 7 * BLOCK, 2 * BLOCK)).isEqualTo(after);
            assertThat(read(nodes.r1.device(), 3 * BLOCK, BLOCK)).isEqualTo(before);
            assertThat(Arrays.copyOfRange(nodes.data(2, size), 7 * BLOCK, 9 * BLOCK)).isEqualTo(after);
            TwoNodes.awaitStatus(nodes.r2, s -> s.peerDisk() == DiskState.DISKLESS);
        }
    }

    @Test
    void aStalePrimaryWithALowerEpochIsRefusedAsASplitBrainNamingIt() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            nodes.r1.disconnect();
            nodes.r2.disconnect();
            nodes.r2.primary(false);
            assertThat(nodes.r2.status().epoch()).isEqualTo(2);
            nodes.r2.secondary();
            nodes.r1.connect(false);
            nodes.r2.connect(false);
            ResourceStatus refused = TwoNodes.awaitStatus(nodes.r2,
                    s -> s.connection() == ConnectionState.STANDALONE && s.lastProblem().isPresent());
            // r1 kept writing as Primary after r2's later promotion: the ids show the split brain and the
            // message names r1 as the stale Primary.
            assertThat(refused.lastProblem().orElseThrow()).contains("Split-Brain").contains("stale primary")
                    .contains("epoch 1");
            TwoNodes.awaitStatus(nodes.r1, s -> s.connection() == ConnectionState.STANDALONE);
            assertThat(nodes.r1.status().role()).isEqualTo(Role.PRIMARY);
        }
    }

    @Test
    void aWrongSharedSecretIsRefusedWithAClearProblem() {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING,
                TwoNodes.fastOptions().authentication(HmacAlgorithm.SHA256, "right-secret").build(),
                TwoNodes.fastOptions().authentication(HmacAlgorithm.SHA256, "wrong-secret").build())) {
            nodes.r1.createMetadata(false);
            nodes.r2.createMetadata(false);
            nodes.r1.up();
            nodes.r2.up();
            nodes.awaitBoth(s -> s.connection() == ConnectionState.STANDALONE && s.lastProblem().isPresent());
            assertThat(nodes.r1.status().lastProblem().orElseThrow()).contains("Authentication of peer failed");
            assertThat(nodes.r2.status().lastProblem().orElseThrow()).contains("Authentication of peer failed");
        }
    }

    @Test
    void everyWriteAcknowledgedUnderProtocolCSurvivesTheLossOfThePrimary() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir, BACKING, TwoNodes.fastOptions().build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            int blocks = (int) (size / BLOCK);
            List<Integer> acknowledged = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int sequence = 0; sequence < 3 * blocks; sequence++) {
                int block = sequence % blocks;
                byte[] content = blockContent(sequence);
                int written = sequence;
                CompletableFuture<Void> write = nodes.r1.device().write((long) block * BLOCK, ByteBuffer.wrap(content), false);
                write.whenComplete((ignored, error) -> {
                    if (error == null && !killed.get()) {
                        acknowledged.add(written);
                    }
                });
                writes.add(write);
                if (sequence == blocks) {
                    writes.get(sequence / 2).get(10, TimeUnit.SECONDS);
                }
                if (sequence % 64 == 0) {
                    writes.get(Math.max(0, sequence - 32)).get(10, TimeUnit.SECONDS);
                }
                if (sequence == 2 * blocks) {
                    killed.set(true);
                    nodes.killNode1();
                    break;
                }
            }
            assertThat(acknowledged).hasSizeGreaterThan(blocks);
            TwoNodes.awaitStatus(nodes.r2, s -> s.connection() == ConnectionState.CONNECTING);
            assertThat(nodes.r2.status().disk()).isEqualTo(DiskState.UP_TO_DATE);
            nodes.r2.primary(false);

            byte[] survivor = nodes.data(2, size);
            int[] newest = new int[blocks];
            Arrays.fill(newest, -1);
            for (int sequence : acknowledged) {
                newest[sequence % blocks] = Math.max(newest[sequence % blocks], sequence);
            }
            for (int block = 0; block < blocks; block++) {
                if (newest[block] >= 0) {
                    int onDisk = ByteBuffer.wrap(survivor, block * BLOCK, BLOCK).getInt();
                    assertThat(onDisk).as("block %d", block).isGreaterThanOrEqualTo(newest[block]);
                    assertThat(Arrays.copyOfRange(survivor, block * BLOCK, (block + 1) * BLOCK))
                            .isEqualTo(blockContent(onDisk));
                }
            }

            nodes.startNode1();
            nodes.r1.up();
            assertThat(nodes.r1.status().role()).isEqualTo(Role.SECONDARY);
            nodes.awaitBoth(s -> s.connection() == ConnectionState.CONNECTED && s.disk() == DiskState.UP_TO_DATE
                    && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
            assertThat(writes).isNotEmpty();
        }
    }

    @Test
    void aPrimaryThatInvalidatedItsDiskReadsOutOfSyncBlocksFromThePeerWhileSyncTarget() {
        try (TwoNodes nodes = new TwoNodes(dir, 4L << 20, TwoNodes.fastOptions()
                .resyncRateBytesPerSecond(1L << 20).cMinRateBytesPerSecond(256L << 10).build())) {
            nodes.initialSync();
            long size = nodes.r1.status().sizeBytes();
            long lastBlock = size - BLOCK;
            byte[] good = pattern(new Random(13), BLOCK);
            write(nodes.r1.device(), lastBlock, good);
            nodes.scribble(1, lastBlock, pattern(new Random(14), BLOCK));

            nodes.r1.invalidate();
            assertThat(nodes.r1.status().disk()).isEqualTo(DiskState.INCONSISTENT);
            assertThat(read(nodes.r1.device(), lastBlock, BLOCK)).isEqualTo(good);
            ResourceStatus syncing = TwoNodes.awaitStatus(nodes.r1, s -> s.replication() == ReplicationState.SYNC_TARGET);
            assertThat(syncing.role()).isEqualTo(Role.PRIMARY);
            assertThat(read(nodes.r1.device(), lastBlock, BLOCK)).isEqualTo(good);
            assertThat(syncing.render(false)).contains("replication:SyncTarget peer-disk:UpToDate done:");

            nodes.awaitBoth(s -> s.disk() == DiskState.UP_TO_DATE && s.replication() == ReplicationState.ESTABLISHED);
            assertThat(Arrays.equals(nodes.data(1, size), nodes.data(2, size))).isTrue();
        }
    }

    /** A 4 KiB block carrying its sequence number and a pattern derived from it. */
    private static byte[] blockContent(int sequence) {
        ByteBuffer content = ByteBuffer.allocate(BLOCK);
        content.putInt(sequence);
        Random random = new Random(sequence);
        while (content.hasRemaining()) {
            content.put((byte) random.nextInt());
        }
        return content.array();
    }
}
