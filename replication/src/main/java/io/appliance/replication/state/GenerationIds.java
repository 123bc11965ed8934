package io.appliance.replication.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * DRBD's generation identifiers ("UUIDs") of one node's data. A generation starts whenever the data
 * may diverge from the peer's copy; comparing both nodes' identifiers tells who has the newer data and
 * whether the quick-sync bitmap is enough to resync ({@link SyncHandshake}).
 *
 * <ul>
 *   <li>{@code current}: the generation of the data on this node now.</li>
 *   <li>{@code bitmap}: the generation both nodes last shared; the quick-sync bitmap records every block
 *       written since. 0 while connected and in sync.</li>
 *   <li>{@code history1}, {@code history2}: older generations, newest first.</li>
 * </ul>
 *
 * <p>0 means "none". The lowest bit of every value is a flag, never part of the generation (DRBD keeps it
 * the same way): on {@code current} it says "this node is Primary" ({@link #withPrimaryFlag}); it travels
 * with the value into {@code bitmap} and history, so that after a split brain the {@code bitmap} flag tells
 * which node was Primary when both parted (used by discard-younger-primary / discard-older-primary).
 *
 * <p>Invariant the transitions keep: a set {@code bitmap} means {@code current} was made by this node while
 * its peer was away and has never been shared.
 * Comparisons always use {@link #generation(long)}, which masks the flag.
 */
public record GenerationIds(long current, long bitmap, long history1, long history2) {

    /** DRBD's UUID_JUST_CREATED: the current of fresh metadata whose data was never synced. */
    public static final long JUST_CREATED = 4;

    /** The flag bit of every value: on {@code current}, "this node is Primary". */
    public static final long PRIMARY_FLAG = 1;

    /** Fresh metadata (create-md): current {@link #JUST_CREATED}, no bitmap, no history. */
    public static GenerationIds justCreated() {
        return new GenerationIds(JUST_CREATED, 0, 0, 0);
    }

    /** A value usable as a new generation: random, never 0 nor {@link #JUST_CREATED}, flag bit clear. */
    public static long newGeneration(RandomGenerator random) {
        while (true) {
            long candidate = random.nextLong() & ~PRIMARY_FLAG;
            if (isGeneration(candidate)) {
                return candidate;
            }
        }
    }

    /** The generation of an identifier: the value without its flag bit. */
    public static long generation(long uuid) {
        return uuid & ~PRIMARY_FLAG;
    }

    /** True when {@code uuid} names a real generation: neither "none" (0) nor {@link #JUST_CREATED}. */
    public static boolean isGeneration(long uuid) {
        long generation = generation(uuid);
        return generation != 0 && generation != JUST_CREATED;
    }

    /** True when this node's data was never synced nor written (current is {@link #JUST_CREATED} or 0). */
    public boolean isJustCreated() {
        return !isGeneration(current);
    }

    /** True when the {@code current} flag says this node is (or last was, before a crash) Primary. */
    public boolean primaryFlag() {
        return (current & PRIMARY_FLAG) != 0;
    }

    /** True when the {@code bitmap} flag says this node was Primary when the bitmap generation ended. */
    public boolean bitmapPrimaryFlag() {
        return (bitmap & PRIMARY_FLAG) != 0;
    }

    /**
     * Sets or clears the Primary flag of {@code current}. The engine calls this on every role change
     * (DRBD does the same when it writes the current UUID) so that a later split brain can tell the
     * younger from the older primary.
     */
    public GenerationIds withPrimaryFlag(boolean primary) {
        long flagged = primary ? current | PRIMARY_FLAG : current & ~PRIMARY_FLAG;
        return new GenerationIds(flagged, bitmap, history1, history2);
    }

    /**
     * A new data generation while the peer is not there (promotion without peer, first write of a
     * Primary that lost its peer): {@code bitmap := current}, {@code current := fresh}; from now on the
     * bitmap records every block the peer misses. The Primary flag of {@code current} carries over to the new
     * current (and the old flag stays with the old value, now the bitmap generation).
     *
     * <p>When a bitmap generation is set already, nothing changes and {@code fresh} is not used (as DRBD
     * 8.4, which creates a new current UUID only while the bitmap UUID is 0): the current generation is then
     * this node's own, never shared with the peer, and the bitmap already records everything since the last
     * shared one. Creating more generations would only push shared generations out of the two history slots.
     * This relies on the order {@link #clearBitmapUuid()} asks for.
     *
     * @param fresh a value from {@link #newGeneration}: not 0, not {@link #JUST_CREATED}, flag bit clear
     * @throws IllegalArgumentException for an unusable {@code fresh}
     */
    public GenerationIds newCurrent(long fresh) {
        requireFresh(fresh);
        if (generation(bitmap) != 0) {
            return this;
        }
        return new GenerationIds(fresh | (current & PRIMARY_FLAG), current, history1, history2);
    }

    /**
     * Connected and in sync (a resync finished, or the handshake found nothing to sync): the bitmap
     * generation is shared by both nodes now and moves into history ({@code history2 := history1,
     * history1 := bitmap, bitmap := 0}). Unchanged when no bitmap generation is set.
     *
     * <p>Order at the end of a resync: the SyncSource clears (and persists) first, then sends
     * {@code ResyncFinished}; the target adopts ({@link #adoptFrom}) on receipt. If the link drops in between,
     * the target, still Inconsistent, finds its current in the source's history and gets a full sync (rule 60),
     * which is safe. The other order can leave the source with a stale bitmap generation while its current is
     * shared; {@link #newCurrent} would then not start a new generation and a later handshake could miss
     * the source's writes.
     */
    public GenerationIds clearBitmapUuid() {
        if (generation(bitmap) == 0) {
            return this;
        }
        return new GenerationIds(current, 0, bitmap, history1);
    }

    /**
     * The SyncTarget at the end of a resync: its data is now the source's, so it takes the source's
     * current generation ({@code current := source.current}, keeping its own Primary flag), has no bitmap
     * generation, and keeps its own old current in history ({@code history1 := old current,
     * history2 := old history1}). When its old current is the source's generation already, history is
     * left as it is.
     */
    public GenerationIds adoptFrom(GenerationIds source) {
        long adopted = generation(source.current) | (current & PRIMARY_FLAG);
        if (generation(current) == generation(source.current)) {
            return new GenerationIds(adopted, 0, history1, history2);
        }
        return new GenerationIds(adopted, 0, current, history1);
    }

    /**
     * {@code new-current-uuid --clear-bitmap} ("skip initial sync" for blank devices): both nodes take the
     * same fresh current and forget the bitmap generation; history is kept.
     *
     * @param fresh a value from {@link #newGeneration}, the same on both nodes
     * @throws IllegalArgumentException for an unusable {@code fresh}
     */
    public GenerationIds skipInitialSync(long fresh) {
        requireFresh(fresh);
        return new GenerationIds(fresh | (current & PRIMARY_FLAG), 0, history1, history2);
    }

    /**
     * The generations this node's data went through before {@code current} (bitmap and history, without
     * "none" and {@link #JUST_CREATED}), flags masked.
     */
    public List<Long> pastGenerations() {
        List<Long> past = new ArrayList<>(3);
        for (long uuid : new long[] {bitmap, history1, history2}) {
            if (isGeneration(uuid)) {
                past.add(generation(uuid));
            }
        }
        return past;
    }

    /** True when {@code uuid}'s generation is one of {@code history1}, {@code history2}. */
    public boolean historyContains(long uuid) {
        long wanted = generation(uuid);
        return isGeneration(wanted)
            && (generation(history1) == wanted || generation(history2) == wanted);
    }

    /** DRBD's dump format: {@code CURRENT:BITMAP:HISTORY1:HISTORY2}, 16 upper-case hex digits each. */
    public String render() {
        return hex(current) + ':' + hex(bitmap) + ':' + hex(history1) + ':' + hex(history2);
    }

    @Override
    public String toString() {
        return render();
    }

    /** One identifier as DRBD prints it: 16 upper-case hex digits. */
    public static String hex(long uuid) {
        return String.format(Locale.ROOT, "%016X", uuid);
    }

    private static void requireFresh(long fresh) {
        if (!isGeneration(fresh) || (fresh & PRIMARY_FLAG) != 0) {
            throw new IllegalArgumentException("not a fresh generation identifier: " + hex(fresh)
                + " (must be non-zero, not " + JUST_CREATED + ", with the lowest bit clear)");
        }
    }
}
