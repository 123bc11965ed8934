package io.appliance.replication.state;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ResourceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sync handshake: from both nodes' {@link DiskView}s, decides whether and which way to resync, and
 * detects and (by the configured {@code after-sb-*} policy) resolves split brain. It is DRBD 8.4's
 * {@code drbd_sync_handshake()} with its {@code drbd_uuid_compare()} and {@code drbd_asb_recover_*p()},
 * rewritten as named steps. Both nodes run it independently on the same two views, so every step is
 * antisymmetric: {@code decide(a, b)} and {@code decide(b, a)} give mirrored answers (source and target
 * swapped; same fullSync and verdict; same explanation text; the mirrored rule number). Where DRBD breaks a
 * tie with the connection's "resolve conflicts" flag, this uses the node names: the node whose name sorts
 * <em>higher</em> ({@link String#compareTo}) is the one that loses its changes.
 *
 * <p>Steps, in order (the rule number is what {@link SyncDecision#rule()} reports):
 * <ol>
 *   <li>Rule {@value #RULE_NO_DISK}: a node without usable disk (Diskless, Attaching, Failed) takes part in
 *       no resync: NoSync.</li>
 *   <li>Generation identifiers ({@link GenerationIds}, flag bit masked), checked in pairs so that both
 *       nodes' views agree:
 *     <ul>
 *       <li>10: both just created: NoSync (both stay Inconsistent; {@code primary --force} on one starts the
 *           full initial sync).</li>
 *       <li>20/30: one just created: full sync from the other.</li>
 *       <li>34/35: same current, only one node still holds a bitmap generation: it was SyncSource and the
 *           end of its resync was not recorded; bitmap resync from it.</li>
 *       <li>40: same current: NoSync, unless a node crashed while Primary: then bitmap resync from it (its
 *           activity-log extents, marked at attach, may hold writes the other never got); both crashed:
 *           tie broken by name.</li>
 *       <li>50/70: one node's current is the other's bitmap generation: the other wrote since; bitmap
 *           resync from the other.</li>
 *       <li>60/80: one node's current is in the other's history: full sync from the other.</li>
 *       <li>90: both bitmap generations equal: both wrote since they parted: split brain; a bitmap resync
 *           can repair it once a victim is chosen.</li>
 *       <li>100: the histories meet (bitmap or history generations in common): split brain, full sync.</li>
 *       <li>110: nothing in common: unrelated data, StandAlone.</li>
 *     </ul>
 *   </li>
 *   <li>Disk states (DRBD: "Becoming sync source due to disk states"): when exactly one node is
 *       Inconsistent, the other becomes SyncSource, whatever the identifiers said (unrelated data
 *       excepted). It stays a bitmap resync only when the identifiers already chose that direction with a
 *       bitmap resync; otherwise it is a full sync. The rule number stays the identifiers' rule.</li>
 *   <li>Split brain (rules 90 and 100): a node connected with {@code --discard-my-data} loses its changes
 *       (both: unresolved). Otherwise, for rule 90 only, the policy for the number of primaries now
 *       ({@code after-sb-0pri}, {@code -1pri}, {@code -2pri}); see {@link #decide}. Resolved: a resync from
 *       the survivor (full for rule 100); unresolved: {@link SyncDecision.SplitBrain} with autoResolved false.</li>
 *   <li>Rule {@value #RULE_NO_CONSISTENT_SOURCE}: the chosen source is itself Inconsistent (both nodes
 *       are): no node has good data, NoSync; the admin forces the node whose data to keep.</li>
 *   <li>Outside a split brain, a Primary with Consistent or UpToDate data must not become SyncTarget (DRBD's
 *       default {@code rr-conflict disconnect}): {@link SyncDecision.PrimaryConflict}.</li>
 * </ol>
 *
 * <p>The split-brain policies:
 * <ul>
 *   <li>after-sb-0pri: {@code disconnect}; {@code discard-younger-primary} / {@code discard-older-primary}:
 *       the node that was Primary when both parted is the older primary, known from the Primary flag of its
 *       bitmap generation ({@link GenerationIds#bitmapPrimaryFlag()}); when the flags do not tell (both or
 *       neither set) it falls back to discard-zero-changes, then discard-least-changes, as DRBD does;
 *       {@code discard-zero-changes}: the node with no changed blocks loses (both none: tie by name;
 *       both some: disconnect); {@code discard-least-changes}: fewer changed blocks loses (equal: tie by
 *       name); {@code discard-node-NAME}: that node loses.</li>
 *   <li>after-sb-1pri: {@code disconnect}; {@code consensus}: the after-sb-0pri result if it discards the
 *       Secondary, else disconnect; {@code violently-as0p}: the after-sb-0pri result even if it discards the
 *       Primary; {@code discard-secondary}; {@code call-pri-lost-after-sb}: the after-sb-0pri result if it
 *       discards the Secondary; if it discards the Primary, unresolved and the explanation names the
 *       {@code pri-lost-after-sb} handler for the engine to log (no handler is run).</li>
 *   <li>after-sb-2pri: {@code disconnect}; {@code violently-as0p}; {@code call-pri-lost-after-sb} (a victim is
 *       always a Primary here: unresolved, handler named).</li>
 * </ul>
 *
 * <p>Thread-safe and stateless apart from the options.
 */
public final class SyncHandshake {

    /** A node has no usable disk: no resync. */
    public static final int RULE_NO_DISK = 1;
    /** The would-be SyncSource is Inconsistent itself: no resync. */
    public static final int RULE_NO_CONSISTENT_SOURCE = 5;
    /** Both nodes just created. */
    public static final int RULE_BOTH_JUST_CREATED = 10;
    /** Self just created: full sync from the peer. */
    public static final int RULE_SELF_JUST_CREATED = 20;
    /** Peer just created: full sync from self. */
    public static final int RULE_PEER_JUST_CREATED = 30;
    /** Same current, only self holds a bitmap generation: bitmap resync from self. */
    public static final int RULE_SELF_UNFINISHED_SOURCE = 34;
    /** Same current, only the peer holds a bitmap generation: bitmap resync from the peer. */
    public static final int RULE_PEER_UNFINISHED_SOURCE = 35;
    /** Same current generation (crashed primary aside): no resync. */
    public static final int RULE_SAME_GENERATION = 40;
    /** Self's current is the peer's bitmap generation: bitmap resync from the peer. */
    public static final int RULE_PEER_WROTE_SINCE = 50;
    /** Self's current is in the peer's history: full sync from the peer. */
    public static final int RULE_SELF_IN_PEER_HISTORY = 60;
    /** The peer's current is self's bitmap generation: bitmap resync from self. */
    public static final int RULE_SELF_WROTE_SINCE = 70;
    /** The peer's current is in self's history: full sync from self. */
    public static final int RULE_PEER_IN_SELF_HISTORY = 80;
    /** Both bitmap generations equal: split brain, bitmap resync possible. */
    public static final int RULE_SPLIT_BRAIN = 90;
    /** The histories meet: split brain, full sync needed. */
    public static final int RULE_SPLIT_BRAIN_HISTORY = 100;
    /** Nothing in common: unrelated data. */
    public static final int RULE_UNRELATED = 110;

    private final AfterSb0Pri afterSb0Pri;
    private final Optional<String> discardNode;
    private final AfterSb1Pri afterSb1Pri;
    private final AfterSb2Pri afterSb2Pri;

    public SyncHandshake(ResourceOptions options) {
        Objects.requireNonNull(options, "options");
        this.afterSb0Pri = options.afterSb0Pri();
        this.discardNode = options.discardNode();
        this.afterSb1Pri = options.afterSb1Pri();
        this.afterSb2Pri = options.afterSb2Pri();
    }

    /** Which node's view a step speaks of. */
    private enum Side { SELF, PEER }

    /** What the generation identifiers say. */
    private enum Outcome { NO_SYNC, SELF_SOURCE, SELF_TARGET, SPLIT_BRAIN, UNRELATED }

    private record Verdict(Outcome outcome, boolean fullSync, int rule, String explanation) {

        Verdict withExplanation(String newExplanation) {
            return new Verdict(outcome, fullSync, rule, newExplanation);
        }
    }

    /** The node that loses its changes in a split brain, or none, with the reasoning for the log. */
    private record PolicyOutcome(Optional<Side> victim, String reasoning) {

        static PolicyOutcome none(String reasoning) {
            return new PolicyOutcome(Optional.empty(), reasoning);
        }

        static PolicyOutcome victim(Side side, String reasoning) {
            return new PolicyOutcome(Optional.of(side), reasoning);
        }
    }

    /**
     * Decides from both sides' views, seen from {@code self}. Antisymmetric: {@code decide(a, b)} and
     * {@code decide(b, a)} give mirrored answers (source and target swapped, same fullSync, same split-brain
     * verdict, same explanation, the mirrored rule: see {@link #mirroredRule}), because both nodes compute it
     * independently. A split brain
     * resolved by a policy or by {@code --discard-my-data} is returned as BecomeSyncSource/BecomeSyncTarget
     * (a bitmap resync for rule 90, full for rule 100) with the policy named in the explanation; unresolved
     * it is {@code SplitBrain(false, ...)}.
     */
    public SyncDecision decide(DiskView self, DiskView peer) {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(peer, "peer");
        if (!hasUsableDisk(self.disk()) || !hasUsableDisk(peer.disk())) {
            if (!hasUsableDisk(self.disk()) && !hasUsableDisk(peer.disk())) {
                return new SyncDecision.NoSync(RULE_NO_DISK, "neither "
                    + ordered(self.nodeName(), peer.nodeName(), " nor ") + " has a usable disk: no resync");
            }
            DiskView diskless = hasUsableDisk(self.disk()) ? peer : self;
            return new SyncDecision.NoSync(RULE_NO_DISK, diskless.nodeName() + " is " + diskless.disk().drbdName()
                + ": no resync, its I/O goes to the peer");
        }
        Verdict verdict = compareGenerations(self, peer);
        if (verdict.outcome() == Outcome.UNRELATED) {
            return new SyncDecision.UnrelatedData(verdict.rule(), verdict.explanation());
        }
        verdict = applyDiskStates(self, peer, verdict);
        boolean splitBrain = verdict.outcome() == Outcome.SPLIT_BRAIN;
        if (splitBrain) {
            verdict = resolveSplitBrain(self, peer, verdict);
        }
        if (verdict.outcome() == Outcome.SELF_SOURCE || verdict.outcome() == Outcome.SELF_TARGET) {
            DiskView source = verdict.outcome() == Outcome.SELF_SOURCE ? self : peer;
            DiskView target = verdict.outcome() == Outcome.SELF_SOURCE ? peer : self;
            if (source.disk().compareTo(DiskState.INCONSISTENT) <= 0) {
                return new SyncDecision.NoSync(RULE_NO_CONSISTENT_SOURCE, verdict.explanation() + "; but "
                    + source.nodeName() + " is " + source.disk().drbdName() + " itself: no node has good data, no"
                    + " resync ('primary --force' on the node whose data to keep starts a full sync)");
            }
            if (!splitBrain && target.role() == Role.PRIMARY && target.disk().compareTo(DiskState.CONSISTENT) >= 0) {
                return new SyncDecision.PrimaryConflict(verdict.rule(), verdict.explanation() + "; but "
                    + target.nodeName() + " shall become SyncTarget while Primary (rr-conflict disconnect):"
                    + " demote " + target.nodeName() + " and connect again");
            }
        }
        return toDecision(verdict);
    }

    /**
     * The rule the peer reports for the same handshake: 20/30, 34/35, 50/70 and 60/80 are pairs (the same
     * step seen from either node); every other rule is its own mirror.
     */
    public static int mirroredRule(int rule) {
        return switch (rule) {
            case RULE_SELF_JUST_CREATED -> RULE_PEER_JUST_CREATED;
            case RULE_PEER_JUST_CREATED -> RULE_SELF_JUST_CREATED;
            case RULE_SELF_UNFINISHED_SOURCE -> RULE_PEER_UNFINISHED_SOURCE;
            case RULE_PEER_UNFINISHED_SOURCE -> RULE_SELF_UNFINISHED_SOURCE;
            case RULE_PEER_WROTE_SINCE -> RULE_SELF_WROTE_SINCE;
            case RULE_SELF_WROTE_SINCE -> RULE_PEER_WROTE_SINCE;
            case RULE_SELF_IN_PEER_HISTORY -> RULE_PEER_IN_SELF_HISTORY;
            case RULE_PEER_IN_SELF_HISTORY -> RULE_SELF_IN_PEER_HISTORY;
            default -> rule;
        };
    }

    private static boolean hasUsableDisk(DiskState disk) {
        return disk.compareTo(DiskState.INCONSISTENT) >= 0 && disk != DiskState.DUNKNOWN;
    }

    private static SyncDecision toDecision(Verdict verdict) {
        return switch (verdict.outcome()) {
            case NO_SYNC -> new SyncDecision.NoSync(verdict.rule(), verdict.explanation());
            case SELF_SOURCE -> new SyncDecision.BecomeSyncSource(verdict.fullSync(), verdict.rule(),
                verdict.explanation());
            case SELF_TARGET -> new SyncDecision.BecomeSyncTarget(verdict.fullSync(), verdict.rule(),
                verdict.explanation());
            case SPLIT_BRAIN -> new SyncDecision.SplitBrain(false, verdict.rule(), verdict.explanation());
            case UNRELATED -> new SyncDecision.UnrelatedData(verdict.rule(), verdict.explanation());
        };
    }

    // ---- step 2: the generation identifiers (DRBD drbd_uuid_compare) ----

    private static Verdict compareGenerations(DiskView self, DiskView peer) {
        GenerationIds mine = self.ids();
        GenerationIds theirs = peer.ids();
        String me = self.nodeName();
        String them = peer.nodeName();

        // Rules 10, 20, 30: fresh metadata has never been synced.
        if (mine.isJustCreated() && theirs.isJustCreated()) {
            return new Verdict(Outcome.NO_SYNC, false, RULE_BOTH_JUST_CREATED, "both " + ordered(me, them)
                + " just created (never synced): no resync, both stay Inconsistent until 'primary --force' on one"
                + " of them starts the full initial sync");
        }
        if (mine.isJustCreated()) {
            return sync(Side.PEER, true, RULE_SELF_JUST_CREATED,
                me + " was never synced: full sync from " + them);
        }
        if (theirs.isJustCreated()) {
            return sync(Side.SELF, true, RULE_PEER_JUST_CREATED,
                them + " was never synced: full sync from " + me);
        }

        long myCurrent = GenerationIds.generation(mine.current());
        long theirCurrent = GenerationIds.generation(theirs.current());
        long myBitmap = GenerationIds.generation(mine.bitmap());
        long theirBitmap = GenerationIds.generation(theirs.bitmap());

        if (myCurrent == theirCurrent) {
            return compareSameGeneration(self, peer, myBitmap, theirBitmap);
        }

        // Rules 50 / 70: one node's current is where the other's bitmap starts.
        boolean theyWroteSince = myCurrent == theirBitmap;
        boolean iWroteSince = theirCurrent == myBitmap;
        if (theyWroteSince != iWroteSince) {
            return theyWroteSince
                ? sync(Side.PEER, false, RULE_PEER_WROTE_SINCE, wroteSince(them, me, myCurrent))
                : sync(Side.SELF, false, RULE_SELF_WROTE_SINCE, wroteSince(me, them, theirCurrent));
        }

        // Rules 60 / 80: one node's current is in the other's history; the bitmap cannot tell what changed.
        boolean iAmInTheirHistory = theirs.historyContains(myCurrent);
        boolean theyAreInMyHistory = mine.historyContains(theirCurrent);
        if (iAmInTheirHistory != theyAreInMyHistory) {
            return iAmInTheirHistory
                ? sync(Side.PEER, true, RULE_SELF_IN_PEER_HISTORY, inHistory(them, me, myCurrent))
                : sync(Side.SELF, true, RULE_PEER_IN_SELF_HISTORY, inHistory(me, them, theirCurrent));
        }

        // Rule 90: both bitmaps start at the same generation: both wrote since they parted.
        if (GenerationIds.isGeneration(myBitmap) && myBitmap == theirBitmap) {
            return new Verdict(Outcome.SPLIT_BRAIN, false, RULE_SPLIT_BRAIN, "split brain: " + ordered(me, them)
                + " both changed their data since generation " + GenerationIds.hex(myBitmap));
        }

        // Rule 100: the histories meet somewhere: related, but only a full sync can repair it.
        boolean selfFirst = me.compareTo(them) <= 0;
        List<Long> common = new ArrayList<>((selfFirst ? mine : theirs).pastGenerations());
        common.retainAll((selfFirst ? theirs : mine).pastGenerations());
        if (!common.isEmpty()) {
            return new Verdict(Outcome.SPLIT_BRAIN, true, RULE_SPLIT_BRAIN_HISTORY, "split brain: "
                + ordered(me, them) + " parted at generation " + GenerationIds.hex(common.get(0))
                + " and both changed their data since; only a full sync can repair it");
        }

        // Rule 110.
        String mineText = me + " " + mine.render();
        String theirsText = them + " " + theirs.render();
        return new Verdict(Outcome.UNRELATED, true, RULE_UNRELATED, "Unrelated data, aborting! The generation"
            + " identifiers have nothing in common: " + ordered(mineText, theirsText));
    }

    /** Rules 34, 35, 40: both nodes are at the same current generation. */
    private static Verdict compareSameGeneration(DiskView self, DiskView peer, long myBitmap, long theirBitmap) {
        String me = self.nodeName();
        String them = peer.nodeName();
        String generation = GenerationIds.hex(GenerationIds.generation(self.ids().current()));
        if (myBitmap != 0 && theirBitmap == 0) {
            return sync(Side.SELF, false, RULE_SELF_UNFINISHED_SOURCE,
                unfinishedSource(me, them, generation));
        }
        if (theirBitmap != 0 && myBitmap == 0) {
            return sync(Side.PEER, false, RULE_PEER_UNFINISHED_SOURCE,
                unfinishedSource(them, me, generation));
        }
        if (self.crashedPrimary() && peer.crashedPrimary()) {
            String loser = tieLoser(me, them);
            Side winner = loser.equals(them) ? Side.SELF : Side.PEER;
            String winnerName = winner == Side.SELF ? me : them;
            return sync(winner, false, RULE_SAME_GENERATION, "same generation " + generation
                + ", both " + ordered(me, them) + " crashed while Primary: tie broken by node name, bitmap resync"
                + " of the activity-log extents from " + winnerName + " to " + loser);
        }
        if (self.crashedPrimary() || peer.crashedPrimary()) {
            Side crashed = self.crashedPrimary() ? Side.SELF : Side.PEER;
            String crashedName = crashed == Side.SELF ? me : them;
            String otherName = crashed == Side.SELF ? them : me;
            return sync(crashed, false, RULE_SAME_GENERATION, "same generation " + generation + ", "
                + crashedName + " crashed while Primary: bitmap resync of its activity-log extents from "
                + crashedName + " to " + otherName);
        }
        return new Verdict(Outcome.NO_SYNC, false, RULE_SAME_GENERATION, "same generation " + generation
            + " on " + ordered(me, them) + ": in sync, no resync");
    }

    private static Verdict sync(Side source, boolean fullSync, int rule, String text) {
        Outcome outcome = source == Side.SELF ? Outcome.SELF_SOURCE : Outcome.SELF_TARGET;
        return new Verdict(outcome, fullSync, rule, text);
    }

    private static String wroteSince(String source, String target, long targetCurrent) {
        return source + " wrote since generation " + GenerationIds.hex(targetCurrent) + ", which " + target
            + " still has: bitmap resync from " + source + " to " + target;
    }

    private static String inHistory(String source, String target, long targetCurrent) {
        return target + "'s generation " + GenerationIds.hex(targetCurrent) + " is in the history of " + source
            + ": full sync from " + source + " to " + target;
    }

    private static String unfinishedSource(String source, String target, String generation) {
        return "same generation " + generation + ", " + source + " was SyncSource and did not record the end"
            + " of its resync: bitmap resync from " + source + " to " + target;
    }

    // ---- step 3: disk states ----

    private static Verdict applyDiskStates(DiskView self, DiskView peer, Verdict verdict) {
        boolean selfInconsistent = self.disk() == DiskState.INCONSISTENT;
        boolean peerInconsistent = peer.disk() == DiskState.INCONSISTENT;
        if (selfInconsistent == peerInconsistent) {
            return verdict;
        }
        Outcome direction = selfInconsistent ? Outcome.SELF_TARGET : Outcome.SELF_SOURCE;
        boolean fullSync = verdict.outcome() != direction || verdict.fullSync();
        String source = selfInconsistent ? peer.nodeName() : self.nodeName();
        String target = selfInconsistent ? self.nodeName() : peer.nodeName();
        return new Verdict(direction, fullSync, verdict.rule(), verdict.explanation() + "; " + target
            + " is Inconsistent: " + (fullSync ? "full sync" : "bitmap resync") + " from " + source + " to "
            + target + " due to disk states");
    }

    // ---- step 4: split brain (DRBD drbd_asb_recover_0p/1p/2p and --discard-my-data) ----

    private Verdict resolveSplitBrain(DiskView self, DiskView peer, Verdict verdict) {
        int primaries = (self.role() == Role.PRIMARY ? 1 : 0) + (peer.role() == Role.PRIMARY ? 1 : 0);
        PolicyOutcome outcome;
        String how;
        if (self.discardMyData() || peer.discardMyData()) {
            how = "manually solved";
            if (self.discardMyData() && peer.discardMyData()) {
                outcome = PolicyOutcome.none("both " + ordered(self.nodeName(), peer.nodeName())
                    + " connected with --discard-my-data");
            } else {
                DiskView victim = self.discardMyData() ? self : peer;
                outcome = PolicyOutcome.victim(self.discardMyData() ? Side.SELF : Side.PEER,
                    victim.nodeName() + " connected with --discard-my-data");
            }
        } else if (verdict.rule() != RULE_SPLIT_BRAIN) {
            how = "automatically solved";
            outcome = PolicyOutcome.none("no common bitmap generation, after-sb policies do not apply");
        } else {
            how = "automatically solved";
            outcome = switch (primaries) {
                case 0 -> recover0p(self, peer);
                case 1 -> recover1p(self, peer);
                default -> recover2p(self, peer);
            };
        }
        if (outcome.victim().isEmpty()) {
            return verdict.withExplanation("Split-Brain detected but unresolved, dropping connection! " + primaries
                + " primaries, " + outcome.reasoning() + "; " + verdict.explanation() + ". Resolve with 'connect"
                + " --discard-my-data' on the node whose changes to discard");
        }
        Side victim = outcome.victim().get();
        String survivor = victim == Side.SELF ? peer.nodeName() : self.nodeName();
        Outcome direction = victim == Side.SELF ? Outcome.SELF_TARGET : Outcome.SELF_SOURCE;
        return new Verdict(direction, verdict.fullSync(), verdict.rule(), "Split-Brain detected, " + primaries
            + " primaries, " + how + ". Sync from " + survivor + " (" + outcome.reasoning() + "); "
            + verdict.explanation() + (verdict.fullSync() ? "; full sync" : "; bitmap resync"));
    }

    private PolicyOutcome recover0p(DiskView self, DiskView peer) {
        return switch (afterSb0Pri) {
            case DISCONNECT -> PolicyOutcome.none("after-sb-0pri disconnect");
            case DISCARD_YOUNGER_PRIMARY, DISCARD_OLDER_PRIMARY -> discardByPrimaryAge(self, peer);
            case DISCARD_ZERO_CHANGES -> discardZeroChanges(self, peer, false);
            case DISCARD_LEAST_CHANGES -> discardLeastChanges(self, peer);
            case DISCARD_NODE -> discardNamedNode(self, peer);
        };
    }

    /**
     * discard-younger-primary / discard-older-primary: the Primary flag of the bitmap generation tells which
     * node was Primary when both parted (the older primary). No answer from the flags: DRBD's fallback,
     * discard-zero-changes then discard-least-changes.
     */
    private PolicyOutcome discardByPrimaryAge(DiskView self, DiskView peer) {
        String policy = afterSb0Pri.drbdName();
        boolean selfWasPrimary = self.ids().bitmapPrimaryFlag();
        boolean peerWasPrimary = peer.ids().bitmapPrimaryFlag();
        if (selfWasPrimary != peerWasPrimary) {
            Side older = selfWasPrimary ? Side.SELF : Side.PEER;
            Side victim = afterSb0Pri == AfterSb0Pri.DISCARD_YOUNGER_PRIMARY ? other(older) : older;
            return PolicyOutcome.victim(victim, policy + ": " + name(older, self, peer) + " was Primary when the"
                + " nodes parted, " + name(other(older), self, peer) + " became Primary later");
        }
        PolicyOutcome fallback = discardZeroChanges(self, peer, true);
        return new PolicyOutcome(fallback.victim(), policy + " did not find a decision (the Primary flags do"
            + " not tell who was Primary first), using " + fallback.reasoning());
    }

    private PolicyOutcome discardNamedNode(DiskView self, DiskView peer) {
        String named = discardNode.orElse("");
        if (named.equals(self.nodeName())) {
            return PolicyOutcome.victim(Side.SELF, "discard-node-" + named);
        }
        if (named.equals(peer.nodeName())) {
            return PolicyOutcome.victim(Side.PEER, "discard-node-" + named);
        }
        return PolicyOutcome.none("discard-node-" + named + " names neither node");
    }

    private static PolicyOutcome discardZeroChanges(DiskView self, DiskView peer, boolean thenLeastChanges) {
        long mine = self.outOfSyncBlocks();
        long theirs = peer.outOfSyncBlocks();
        if (mine == 0 && theirs == 0) {
            return tieByName(self, peer, "discard-zero-changes: neither node changed a block");
        }
        if (mine == 0 || theirs == 0) {
            Side victim = mine == 0 ? Side.SELF : Side.PEER;
            return PolicyOutcome.victim(victim, "discard-zero-changes: " + name(victim, self, peer)
                + " changed no block");
        }
        if (thenLeastChanges) {
            return discardLeastChanges(self, peer);
        }
        return PolicyOutcome.none("discard-zero-changes: both changed blocks, " + changes(self, peer));
    }

    private static PolicyOutcome discardLeastChanges(DiskView self, DiskView peer) {
        long mine = self.outOfSyncBlocks();
        long theirs = peer.outOfSyncBlocks();
        String reasoning = "discard-least-changes: " + changes(self, peer);
        if (mine == theirs) {
            return tieByName(self, peer, reasoning);
        }
        return PolicyOutcome.victim(mine < theirs ? Side.SELF : Side.PEER, reasoning);
    }

    private PolicyOutcome recover1p(DiskView self, DiskView peer) {
        Side secondary = self.role() == Role.PRIMARY ? Side.PEER : Side.SELF;
        Side primary = other(secondary);
        return switch (afterSb1Pri) {
            case DISCONNECT -> PolicyOutcome.none("after-sb-1pri disconnect");
            case DISCARD_SECONDARY -> PolicyOutcome.victim(secondary, "discard-secondary");
            case VIOLENTLY_AS0P -> prefixed("violently-as0p: ", recover0p(self, peer));
            case CONSENSUS -> {
                PolicyOutcome as0p = recover0p(self, peer);
                yield as0p.victim().equals(Optional.of(secondary))
                    ? prefixed("consensus: ", as0p)
                    : PolicyOutcome.none("consensus: after-sb-0pri does not discard the Secondary "
                        + name(secondary, self, peer) + ": " + as0p.reasoning());
            }
            case CALL_PRI_LOST_AFTER_SB -> {
                PolicyOutcome as0p = recover0p(self, peer);
                yield as0p.victim().equals(Optional.of(primary))
                    ? priLost(as0p, primary, self, peer)
                    : prefixed("call-pri-lost-after-sb: ", as0p);
            }
        };
    }

    private PolicyOutcome recover2p(DiskView self, DiskView peer) {
        return switch (afterSb2Pri) {
            case DISCONNECT -> PolicyOutcome.none("after-sb-2pri disconnect");
            case VIOLENTLY_AS0P -> prefixed("violently-as0p: ", recover0p(self, peer));
            case CALL_PRI_LOST_AFTER_SB -> {
                PolicyOutcome as0p = recover0p(self, peer);
                yield as0p.victim().isPresent()
                    ? priLost(as0p, as0p.victim().get(), self, peer)
                    : prefixed("call-pri-lost-after-sb: ", as0p);
            }
        };
    }

    /**
     * call-pri-lost-after-sb when the policy discards a Primary: DRBD would demote it or run the
     * {@code pri-lost-after-sb} handler; here the split brain stays unresolved and the explanation names
     * the handler for the engine to log.
     */
    private static PolicyOutcome priLost(PolicyOutcome as0p, Side lostPrimary, DiskView self, DiskView peer) {
        return PolicyOutcome.none("call-pri-lost-after-sb: " + as0p.reasoning() + "; the Primary "
            + name(lostPrimary, self, peer) + " lost: calling handler pri-lost-after-sb");
    }

    private static PolicyOutcome prefixed(String prefix, PolicyOutcome outcome) {
        return new PolicyOutcome(outcome.victim(), prefix + outcome.reasoning());
    }

    // ---- helpers ----

    /** A tie between two nodes: the node whose name sorts higher loses; identical names: no decision. */
    private static PolicyOutcome tieByName(DiskView self, DiskView peer, String reasoning) {
        int order = self.nodeName().compareTo(peer.nodeName());
        if (order == 0) {
            return PolicyOutcome.none(reasoning + ", both nodes are named " + self.nodeName());
        }
        Side victim = order > 0 ? Side.SELF : Side.PEER;
        return PolicyOutcome.victim(victim, reasoning + ", tie broken by node name");
    }

    private static String tieLoser(String me, String them) {
        return me.compareTo(them) > 0 ? me : them;
    }

    private static String changes(DiskView self, DiskView peer) {
        DiskView first = self.nodeName().compareTo(peer.nodeName()) <= 0 ? self : peer;
        DiskView second = first == self ? peer : self;
        return first.nodeName() + " changed " + first.outOfSyncBlocks() + " blocks, " + second.nodeName()
            + " changed " + second.outOfSyncBlocks();
    }

    /** Both names, in name order, so that both nodes write the same text. */
    private static String ordered(String a, String b) {
        return ordered(a, b, " and ");
    }

    private static String ordered(String a, String b, String joiner) {
        return a.compareTo(b) <= 0 ? a + joiner + b : b + joiner + a;
    }

    private static Side other(Side side) {
        return side == Side.SELF ? Side.PEER : Side.SELF;
    }

    private static String name(Side side, DiskView self, DiskView peer) {
        return side == Side.SELF ? self.nodeName() : peer.nodeName();
    }
}
