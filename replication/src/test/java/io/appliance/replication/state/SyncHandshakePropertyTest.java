package io.appliance.replication.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ResourceOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random but consistent histories of two nodes that start connected and in sync at one generation:
 * disconnect, connect (the handshake, then a resync that may be cut short), promote, demote, write. Each
 * node's data is a small array of blocks holding the id of the write that last touched it, and its quick-sync
 * bitmap is the set of blocks it changed (or still misses) since its bitmap generation, as the engine keeps
 * them. At every handshake: both nodes' answers mirror each other; related histories are never "unrelated";
 * the node holding writes the other lacks is never the SyncTarget and never silently skipped, unless a split
 * brain was detected and resolved by policy or --discard-my-data; after every finished resync (bitmap-based
 * resyncs copy only the merged bitmaps' blocks) both nodes hold the same data. The link may fail during a
 * resync and at its very end, after the SyncSource cleared its bitmap generation but before the target got
 * ResyncFinished (the order {@link GenerationIds#clearBitmapUuid()} asks for). A target that misses the end
 * of several resyncs while the source moves on can lose its generation from the source's two history
 * slots: then, and only with an Inconsistent node, the handshake reports unrelated data, and the admin
 * recreates that node's metadata (create-md), which gives a full sync.
 */
class SyncHandshakePropertyTest {

    private static final int BLOCKS = 8;
    private static final int HISTORIES = 3000;
    private static final int STEPS = 40;

    private static final class Node {
        final String name;
        GenerationIds ids;
        DiskState disk = DiskState.UP_TO_DATE;
        Role role = Role.SECONDARY;
        final int[] data = new int[BLOCKS];
        final Set<Integer> applied = new HashSet<>(List.of(0));
        final Set<Integer> outOfSync = new TreeSet<>();
        boolean newCurrentOnNextWrite;
        boolean discardMyData;

        Node(String name, GenerationIds ids) {
            this.name = name;
            this.ids = ids;
        }

        DiskView view() {
            return new DiskView(ids, disk, role, false, outOfSync.size(), discardMyData, name);
        }

        /** True when this node holds, as current data, a write the other node never had. */
        boolean hasWritesLackingOn(Node other) {
            for (int value : data) {
                if (!other.applied.contains(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return name + " " + ids.render() + " " + disk.drbdName() + " " + role.drbdName() + " data="
                + Arrays.toString(data) + " oos=" + outOfSync;
        }
    }

    private static final class World {
        final SplittableRandom random;
        final ResourceOptions options;
        final SyncHandshake handshake;
        final Node a;
        final Node b;
        final List<String> log = new ArrayList<>();
        final Map<String, Integer> seen;
        boolean connected = true;
        boolean linkMayFailDuringResync = true;
        int writes;

        World(long seed, ResourceOptions options, Map<String, Integer> seen) {
            this.random = new SplittableRandom(seed);
            this.options = options;
            this.handshake = new SyncHandshake(options);
            this.seen = seen;
            long common = GenerationIds.newGeneration(random);
            this.a = new Node("node1", new GenerationIds(common, 0, 0, 0));
            this.b = new Node("node2", new GenerationIds(common, 0, 0, 0));
        }

        Node other(Node node) {
            return node == a ? b : a;
        }

        void step() {
            Node node = random.nextBoolean() ? a : b;
            switch (random.nextInt(6)) {
                case 0 -> disconnect();
                case 1 -> connect();
                case 2 -> promote(node);
                case 3 -> demote(node);
                default -> write(node.role == Role.PRIMARY ? node : other(node));
            }
        }

        void disconnect() {
            if (!connected) {
                return;
            }
            log.add("disconnect");
            linkLost();
        }

        /** A Primary that loses its peer starts a new generation on its next write. */
        void linkLost() {
            connected = false;
            for (Node node : List.of(a, b)) {
                node.newCurrentOnNextWrite = node.role == Role.PRIMARY;
            }
        }

        void promote(Node node) {
            if (node.role == Role.PRIMARY) {
                return;
            }
            Node peer = other(node);
            PeerSummary summary = connected
                ? PeerSummary.connected(peer.role, peer.disk, false)
                : PeerSummary.notConnected(false, false);
            ConnectionState connection = connected ? ConnectionState.CONNECTED : ConnectionState.CONNECTING;
            if (!PromotionRules.mayPromote(node.disk, connection, summary, false)) {
                if (connected && peer.role == Role.PRIMARY) {
                    assertThat(PromotionRules.refusal(node.disk, connection, summary, true))
                        .contains(PromotionRules.Refusal.PEER_IS_PRIMARY);
                }
                return;
            }
            log.add("promote " + node.name);
            node.role = Role.PRIMARY;
            if (!connected) {
                node.ids = node.ids.newCurrent(GenerationIds.newGeneration(random));
                node.newCurrentOnNextWrite = false;
            }
            node.ids = node.ids.withPrimaryFlag(true);
        }

        void demote(Node node) {
            if (node.role != Role.PRIMARY) {
                return;
            }
            log.add("demote " + node.name);
            node.role = Role.SECONDARY;
            node.ids = node.ids.withPrimaryFlag(false);
        }

        void write(Node node) {
            if (node.role != Role.PRIMARY || node.disk != DiskState.UP_TO_DATE) {
                return;
            }
            int block = random.nextInt(BLOCKS);
            int id = ++writes;
            log.add("write " + node.name + " block " + block + " = " + id);
            node.data[block] = id;
            node.applied.add(id);
            if (connected) {
                Node peer = other(node);
                peer.data[block] = id;
                peer.applied.add(id);
                return;
            }
            if (node.newCurrentOnNextWrite) {
                node.ids = node.ids.newCurrent(GenerationIds.newGeneration(random));
                node.newCurrentOnNextWrite = false;
            }
            node.outOfSync.add(block);
        }

        void connect() {
            if (connected) {
                return;
            }
            SyncDecision decision = handshake.decide(a.view(), b.view());
            SyncDecision mirrored = handshake.decide(b.view(), a.view());
            log.add("connect: " + a + " | " + b + " -> " + decision);
            Handshakes.assertMirrored(decision, mirrored);
            seen.merge(decision.getClass().getSimpleName() + " rule " + decision.rule(), 1, Integer::sum);
            checkInvariants(decision);
            if (decision instanceof SyncDecision.NoSync) {
                connected = true;
                if (a.disk == DiskState.UP_TO_DATE && b.disk == DiskState.UP_TO_DATE) {
                    a.ids = a.ids.clearBitmapUuid();
                    b.ids = b.ids.clearBitmapUuid();
                    a.outOfSync.clear();
                    b.outOfSync.clear();
                }
                clearDiscardFlags();
            } else if (decision instanceof SyncDecision.BecomeSyncSource source) {
                resync(a, b, source.fullSync());
            } else if (decision instanceof SyncDecision.BecomeSyncTarget target) {
                resync(b, a, target.fullSync());
            } else if (decision instanceof SyncDecision.SplitBrain) {
                Node victim = random.nextBoolean() ? a : b;
                log.add("admin: secondary + connect --discard-my-data on " + victim.name);
                demote(victim);
                victim.discardMyData = true;
                other(victim).discardMyData = false;
            } else if (decision instanceof SyncDecision.UnrelatedData) {
                Node stale = a.disk == DiskState.INCONSISTENT ? a : b;
                assertThat(stale.disk).isEqualTo(DiskState.INCONSISTENT);
                log.add("admin: create-md on the Inconsistent " + stale.name);
                seen.merge("create-md after unrelated data", 1, Integer::sum);
                stale.ids = GenerationIds.justCreated();
                stale.outOfSync.clear();
            } else if (!(decision instanceof SyncDecision.PrimaryConflict)) {
                fail("unexpected %s%n%s", decision, String.join("\n", log));
            }
        }

        private void checkInvariants(SyncDecision decision) {
            String history = String.join("\n", log);
            if (a.disk == DiskState.UP_TO_DATE && b.disk == DiskState.UP_TO_DATE) {
                assertThat(decision).as("related histories are never unrelated data%n%s", history)
                    .isNotInstanceOf(SyncDecision.UnrelatedData.class);
            }
            boolean aNewer = a.disk == DiskState.UP_TO_DATE && a.hasWritesLackingOn(b);
            boolean bNewer = b.disk == DiskState.UP_TO_DATE && b.hasWritesLackingOn(a);
            boolean splitBrainRule = decision.rule() == SyncHandshake.RULE_SPLIT_BRAIN
                || decision.rule() == SyncHandshake.RULE_SPLIT_BRAIN_HISTORY;
            if (aNewer && bNewer) {
                assertThat(decision instanceof SyncDecision.SplitBrain || splitBrainRule)
                    .as("diverged data must be a split brain: %s%n%s", decision, history).isTrue();
            } else if (aNewer || bNewer) {
                Node newer = aNewer ? a : b;
                SyncDecision newerView = newer == a ? decision : handshake.decide(b.view(), a.view());
                if (!splitBrainRule) {
                    assertThat(newerView).as("%s has the newest writes%n%s", newer.name, history)
                        .isNotInstanceOf(SyncDecision.BecomeSyncTarget.class)
                        .isNotInstanceOf(SyncDecision.NoSync.class);
                }
            }
            if (decision instanceof SyncDecision.NoSync && a.disk == DiskState.UP_TO_DATE
                && b.disk == DiskState.UP_TO_DATE) {
                assertThat(a.data).as("no resync means identical data%n%s", history).isEqualTo(b.data);
            }
        }

        private void resync(Node source, Node target, boolean fullSync) {
            Set<Integer> blocks = new TreeSet<>();
            if (fullSync) {
                for (int block = 0; block < BLOCKS; block++) {
                    blocks.add(block);
                }
            } else {
                blocks.addAll(source.outOfSync);
                blocks.addAll(target.outOfSync);
            }
            seen.merge(fullSync ? "full resync" : "bitmap resync", 1, Integer::sum);
            target.applied.addAll(source.applied);
            if (linkMayFailDuringResync && random.nextInt(5) == 0) {
                List<Integer> remaining = new ArrayList<>(blocks);
                int copied = random.nextInt(remaining.size() + 1);
                for (int block : remaining.subList(0, copied)) {
                    target.data[block] = source.data[block];
                }
                Set<Integer> left = new TreeSet<>(remaining.subList(copied, remaining.size()));
                source.outOfSync.clear();
                source.outOfSync.addAll(left);
                target.outOfSync.clear();
                target.outOfSync.addAll(left);
                target.disk = DiskState.INCONSISTENT;
                log.add("resync " + source.name + " -> " + target.name + " interrupted, left " + left);
                seen.merge("interrupted resync", 1, Integer::sum);
                linkLost();
                clearDiscardFlags();
                return;
            }
            for (int block : blocks) {
                target.data[block] = source.data[block];
            }
            assertThat(target.data).as("after the resync %s -> %s (full %s)%n%s", source.name, target.name,
                fullSync, String.join("\n", log)).isEqualTo(source.data);
            source.outOfSync.clear();
            target.outOfSync.clear();
            clearDiscardFlags();
            source.ids = source.ids.clearBitmapUuid();
            if (linkMayFailDuringResync && random.nextInt(10) == 0) {
                target.disk = DiskState.INCONSISTENT;
                lostAtResyncEnd("the source cleared its bitmap generation, the target did not get ResyncFinished");
                return;
            }
            target.ids = target.ids.adoptFrom(source.ids);
            assertThat(GenerationIds.generation(target.ids.current()))
                .isEqualTo(GenerationIds.generation(source.ids.current()));
            target.disk = DiskState.UP_TO_DATE;
            connected = true;
            log.add("resync " + source.name + " -> " + target.name + " done");
        }

        private void lostAtResyncEnd(String what) {
            log.add("link lost at the end of the resync: " + what);
            seen.merge("link lost at resync end", 1, Integer::sum);
            linkLost();
        }

        private void clearDiscardFlags() {
            a.discardMyData = false;
            b.discardMyData = false;
        }
    }

    @Test
    void defaultPoliciesNeverLoseTheNewestWrites() {
        Map<String, Integer> seen = new TreeMap<>();
        for (long seed = 1; seed <= HISTORIES; seed++) {
            runHistory(seed, ResourceOptions.defaults(), seen);
        }
        assertThat(seen).containsKeys("NoSync rule 40", "BecomeSyncSource rule 70", "BecomeSyncTarget rule 50",
            "SplitBrain rule 90", "bitmap resync", "full resync", "interrupted resync", "link lost at resync end");
        assertThat(seen.keySet()).as("a resync whose end the target missed is redone in full")
            .anyMatch(key -> key.endsWith("rule 60") || key.endsWith("rule 80"));
        assertThat(seen.keySet()).as("manual split-brain resolutions happened").anyMatch(
            key -> key.startsWith("BecomeSync") && key.endsWith("rule 90"));
    }

    @Test
    void everyPolicyCombinationKeepsBothNodesConsistent() {
        Map<String, Integer> seen = new TreeMap<>();
        long seed = 10_000;
        for (AfterSb0Pri zero : AfterSb0Pri.values()) {
            for (AfterSb1Pri one : AfterSb1Pri.values()) {
                for (AfterSb2Pri two : AfterSb2Pri.values()) {
                    ResourceOptions.Builder builder = ResourceOptions.builder();
                    if (zero == AfterSb0Pri.DISCARD_NODE) {
                        builder.afterSb0PriDiscardNode("node2");
                    } else {
                        builder.afterSb0Pri(zero);
                    }
                    ResourceOptions options = builder.afterSb1Pri(one).afterSb2Pri(two).build();
                    for (int i = 0; i < 40; i++) {
                        runHistory(seed++, options, seen);
                    }
                }
            }
        }
        assertThat(seen).containsKeys("BecomeSyncSource rule 90", "BecomeSyncTarget rule 90", "SplitBrain rule 90");
    }

    @Test
    void anyTwoViewsGiveMirroredAnswers() {
        SplittableRandom random = new SplittableRandom(42);
        long[] pool = {0, GenerationIds.JUST_CREATED, 0x1000, 0x1001, 0x2000, 0x3000, 0x3001, 0x4000};
        ResourceOptions[] options = {
            ResourceOptions.defaults(),
            ResourceOptions.builder().afterSb0Pri(AfterSb0Pri.DISCARD_YOUNGER_PRIMARY)
                .afterSb1Pri(AfterSb1Pri.CALL_PRI_LOST_AFTER_SB).afterSb2Pri(AfterSb2Pri.VIOLENTLY_AS0P).build(),
            ResourceOptions.builder().afterSb0Pri(AfterSb0Pri.DISCARD_ZERO_CHANGES)
                .afterSb1Pri(AfterSb1Pri.CONSENSUS).afterSb2Pri(AfterSb2Pri.CALL_PRI_LOST_AFTER_SB).build(),
            ResourceOptions.builder().afterSb0PriDiscardNode("node1").afterSb1Pri(AfterSb1Pri.VIOLENTLY_AS0P).build()};
        for (int i = 0; i < 200_000; i++) {
            DiskView a = randomView(random, pool, "node1");
            DiskView b = randomView(random, pool, "node2");
            SyncHandshake handshake = new SyncHandshake(options[random.nextInt(options.length)]);
            Handshakes.assertMirrored(handshake.decide(a, b), handshake.decide(b, a));
        }
    }

    private static DiskView randomView(SplittableRandom random, long[] pool, String name) {
        GenerationIds ids = new GenerationIds(pool[random.nextInt(pool.length)], pool[random.nextInt(pool.length)],
            pool[random.nextInt(pool.length)], pool[random.nextInt(pool.length)]);
        DiskState[] disks = DiskState.values();
        return new DiskView(ids, disks[random.nextInt(disks.length)], random.nextBoolean() ? Role.PRIMARY
            : Role.SECONDARY, random.nextInt(4) == 0, random.nextInt(3), random.nextInt(5) == 0, name);
    }

    private static void runHistory(long seed, ResourceOptions options, Map<String, Integer> seen) {
        World world = new World(seed, options, seen);
        for (int step = 0; step < STEPS; step++) {
            world.step();
        }
        world.disconnect();
        world.linkMayFailDuringResync = false;
        for (Node node : List.of(world.a, world.b)) {
            world.demote(node);
        }
        for (int attempt = 0; attempt < 5 && !world.connected; attempt++) {
            world.connect();
        }
        assertThat(world.connected).as("two secondaries always reconnect after at most one admin decision, seed %d%n%s",
            seed, String.join("\n", world.log)).isTrue();
    }
}
